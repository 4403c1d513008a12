import type { DocumentNode, ExecutionResult, GraphQLSchema } from "graphql";
import { execute, GraphQLError, parse, validate } from "graphql";

export interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export type SchemaExecutor = (body: GraphQLRequestBody) => Promise<ExecutionResult>;

// Gateways send the same few subgraph operations over and over; parsing and validating each once keeps
// the subgraphs cheap, so the benchmark measures the gateway rather than its subgraphs.
const MAX_CACHED_DOCUMENTS = 1000;

export function createSchemaExecutor(schema: GraphQLSchema): SchemaExecutor {
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();

  function prepare(query: string): DocumentNode | readonly GraphQLError[] {
    const cached = documents.get(query);
    if (cached) return cached;
    let prepared: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      prepared = errors.length > 0 ? errors : document;
    } catch (error) {
      prepared = [error instanceof GraphQLError ? error : new GraphQLError("Invalid query")];
    }
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
    documents.set(query, prepared);
    return prepared;
  }

  return async (body) => {
    if (typeof body.query !== "string") {
      return { errors: [new GraphQLError("Request body must contain a string 'query'")] };
    }
    const prepared = prepare(body.query);
    if (Array.isArray(prepared)) return { errors: prepared };
    return execute({
      schema,
      document: prepared as DocumentNode,
      variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === "string" ? body.operationName : undefined,
    });
  };
}
