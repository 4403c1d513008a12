import { type Operation, operationFromDocument } from "@apollo/federation-internals";
import { computeResponse } from "@apollo/gateway/dist/resultShaping.js";
import { type GraphQLError, Kind } from "graphql";
import { createShaperCompiler } from "../../../../gateway/executor/shaping/index.ts";
import { type ApiSchemas, introspectAsApolloDoes, type ParsedOperation } from "./apolloReference.ts";

export interface ComparableShape {
  readonly data: string;
  readonly errors: readonly {
    message: string;
    path: readonly (string | number)[] | undefined;
    code: unknown;
  }[];
}

export type ShapeBothWays = (
  input: Record<string, unknown> | null,
  variables?: Record<string, unknown>,
) => { ours: ComparableShape; apollo: ComparableShape };

function comparable(data: unknown, errors: readonly GraphQLError[]): ComparableShape {
  return {
    data: JSON.stringify(data ?? null),
    errors: errors.map((error) => ({
      message: error.message,
      path: error.path,
      code: error.extensions.code,
    })),
  };
}

/** Ours and Apollo's shaping of the same inputs, in the form a client would see (JSON text, error messages). */
export function differentialShaping(schemas: ApiSchemas, parsed: ParsedOperation): ShapeBothWays {
  const shaper = createShaperCompiler(schemas.graphql).compile(parsed.operation, parsed.fragments);
  const operation: Operation = operationFromDocument(
    schemas.apollo,
    { kind: Kind.DOCUMENT, definitions: [parsed.operation, ...Object.values(parsed.fragments)] },
    { validate: false },
  );
  return (input, variables) => {
    const ours = shaper.shape(input, variables);
    const apollo = computeResponse({
      operation,
      variables,
      input,
      introspectionHandling: (selection) => introspectAsApolloDoes(schemas, parsed, selection, variables),
    });
    return { ours: comparable(ours.data, ours.errors), apollo: comparable(apollo.data, apollo.errors) };
  };
}
