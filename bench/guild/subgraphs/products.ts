import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLSchema } from "graphql";
import { parse } from "graphql";
import type { GuildData } from "../data.ts";

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])

  type Query {
    topProducts(first: Int = 5): [Product]
  }

  type Product @key(fields: "upc") {
    upc: String!
    name: String
    price: Int
    weight: Int
  }
`);

export function createProductsSchema(data: GuildData): GraphQLSchema {
  const productByUpc = new Map(data.products.map((product) => [product.upc, product]));
  return buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Query: {
        topProducts: (_: unknown, args: { first: number }) => data.products.slice(0, args.first),
      },
      Product: {
        __resolveReference: (reference: { upc: string }) => productByUpc.get(reference.upc) ?? null,
      },
    },
  });
}
