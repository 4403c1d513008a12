import { readFileSync } from "node:fs";
import { ApolloGateway, LocalGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import { loadGuildData } from "../../../../bench/guild/data.ts";
import { createAccountsSchema } from "../../../../bench/guild/subgraphs/accounts.ts";
import { createInventorySchema } from "../../../../bench/guild/subgraphs/inventory.ts";
import { createProductsSchema } from "../../../../bench/guild/subgraphs/products.ts";
import { createReviewsSchema } from "../../../../bench/guild/subgraphs/reviews.ts";
import { resultShapingModule } from "./apolloReference.ts";

export const GUILD_SUPERGRAPH = readFileSync(
  new URL("../../../../bench/guild/supergraph.graphql", import.meta.url),
  "utf8",
);
export const GUILD_QUERY = readFileSync(
  new URL("../../../../bench/guild/query.graphql", import.meta.url),
  "utf8",
);

export interface CapturedShaping {
  /** The merged raw data Apollo's executeQueryPlan handed to computeResponse. */
  readonly input: Record<string, unknown>;
  /** The answer Apollo Server sent for it. */
  readonly answer: unknown;
}

/**
 * Runs the Guild benchmark query through Apollo Gateway in-process (its four subgraphs as local schemas) and keeps
 * the raw data its plan execution produced: a real input for shaping, with the key and __typename fields fetched
 * for the plan, rather than a hand-made imitation of one.
 */
export async function captureGuildShaping(query: string = GUILD_QUERY): Promise<CapturedShaping> {
  const data = loadGuildData();
  const subgraphs: Record<string, GraphQLSchema> = {
    accounts: createAccountsSchema(data),
    inventory: createInventorySchema(data),
    products: createProductsSchema(data),
    reviews: createReviewsSchema(data),
  };
  const gateway = new ApolloGateway({
    supergraphSdl: GUILD_SUPERGRAPH,
    buildService: ({ name }) => {
      const schema = subgraphs[name];
      if (!schema) throw new Error(`No Guild subgraph named ${name}`);
      return new LocalGraphQLDataSource(schema);
    },
  });
  const server = new ApolloServer({ gateway });
  const module = resultShapingModule();
  const original = module.computeResponse;
  let input: Record<string, unknown> | undefined;
  module.computeResponse = (parameters) => {
    input = parameters.input ?? undefined;
    return original(parameters);
  };
  try {
    await server.start();
    const response = await server.executeOperation({ query });
    if (response.body.kind !== "single") throw new Error("Expected a single result");
    if (!input) throw new Error("Apollo Gateway did not shape a response");
    return { input, answer: response.body.singleResult };
  } finally {
    module.computeResponse = original;
    await server.stop();
  }
}
