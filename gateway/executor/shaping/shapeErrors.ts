import { ERRORS } from "@apollo/federation-internals";
import type { GraphQLError } from "graphql";

export type ResponsePath = (string | number)[];

/** Apollo's `pathLastElementDescription`: a field by its parent type, a list element by its type and index. */
export function describeLastPathElement(
  path: ResponsePath,
  currentType: string,
  parentTypeName: string,
): string {
  const element = path[path.length - 1];
  return typeof element === "string"
    ? `field ${parentTypeName}.${element}`
    : `array element of type ${currentType} at index ${element}`;
}

// Built with Apollo's own error definition so the code in `extensions` is the one computeResponse gives.
export function shapingError(message: string, path: ResponsePath): GraphQLError {
  return ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(path) });
}
