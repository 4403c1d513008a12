import { ERRORS, errorCodeDef } from "@apollo/federation-internals";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { ResponsePath } from "./resultTree.ts";

/**
 * A subgraph's error as the client sees it, the way @apollo/gateway reports them (the differential tests compare
 * bytes): the subgraph named in `serviceName`, a code every error has (the subgraph's own, else
 * DOWNSTREAM_SERVICE_ERROR), and the path moved to where the failed field sits in the client's answer.
 */
export function subgraphError(
  error: GraphQLFormattedError,
  serviceName: string,
  path: ResponsePath | undefined,
): GraphQLError {
  const message = error.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: error as Error,
    path,
    extensions: { ...error.extensions, serviceName },
  };
  const known = errorCodeDef(error);
  if (!known && error.extensions?.code) return new GraphQLError(message, options);
  return (known ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/** What went wrong in the executor itself (an answer of the wrong shape), as a GraphQL error of the response. */
export function executionError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const original = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(original.message, { originalError: original });
}
