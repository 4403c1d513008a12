import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLSchema } from "graphql";
import { parse } from "graphql";
import type { GuildData, GuildReview } from "../data.ts";

const typeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key", "@external", "@provides"])

  type Review @key(fields: "id") {
    id: ID!
    body: String
    product: Product
    author: User @provides(fields: "username")
  }

  type User @key(fields: "id") {
    id: ID!
    username: String @external
    reviews: [Review]
  }

  type Product @key(fields: "upc") {
    upc: String!
    reviews: [Review]
  }
`);

// The reference implementation answers every author and every user's reviews with the same fixed records
// (user 1 "urigo", reviews 1 and 2); reproducing that keeps response sizes identical to the public benchmark.
export function createReviewsSchema(data: GuildData): GraphQLSchema {
  const reviewById = new Map(data.reviews.map((review) => [review.id, review]));
  const fixedUserReviews = ["1", "2"]
    .map((id) => reviewById.get(id))
    .filter((review) => review !== undefined);
  const fixedAuthor = { id: "1", username: "urigo", reviews: fixedUserReviews };
  return buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Review: {
        __resolveReference: (reference: { id: string }) => reviewById.get(reference.id) ?? null,
        author: () => fixedAuthor,
        product: (review: GuildReview) => ({ upc: review.productUpc }),
      },
      User: {
        __resolveReference: (reference: { id: string }) => ({
          id: reference.id,
          username: "user",
          reviews: fixedUserReviews,
        }),
      },
      Product: {
        __resolveReference: (reference: { upc: string }) => reference,
        reviews: (product: { upc: string }) =>
          data.reviews.filter((review) => review.productUpc === product.upc),
      },
    },
  });
}
