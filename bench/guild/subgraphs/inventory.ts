import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLSchema } from "graphql";
import { parse } from "graphql";
import type { GuildData } from "../data.ts";

const typeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key", "@external", "@requires"])

  type Product @key(fields: "upc") {
    upc: String!
    weight: Int @external
    price: Int @external
    inStock: Boolean
    shippingEstimate: Int @requires(fields: "price weight")
  }
`);

interface ProductReference {
  upc: string;
  price?: number | null;
  weight?: number | null;
}

export function shippingEstimate(price: number, weight: number): number {
  return price > 1000 ? 0 : Math.trunc(weight / 2);
}

export function createInventorySchema(data: GuildData): GraphQLSchema {
  const stockByUpc = new Map(data.inventory.map((entry) => [entry.upc, entry.inStock]));
  return buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Product: {
        __resolveReference: (reference: ProductReference) => {
          const inStock = stockByUpc.get(reference.upc);
          return inStock === undefined ? null : { ...reference, inStock };
        },
        shippingEstimate: (product: ProductReference) =>
          product.price == null || product.weight == null
            ? null
            : shippingEstimate(product.price, product.weight),
      },
    },
  });
}
