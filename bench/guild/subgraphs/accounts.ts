import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLSchema } from "graphql";
import { parse } from "graphql";
import type { GuildData } from "../data.ts";

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])

  type Query {
    me: User
    user(id: ID!): User
    users: [User]
  }

  type User @key(fields: "id") {
    id: ID!
    name: String
    username: String
    birthday: Int
  }
`);

export function createAccountsSchema(data: GuildData): GraphQLSchema {
  const userById = new Map(data.users.map((user) => [user.id, user]));
  return buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Query: {
        me: () => userById.get("1") ?? null,
        user: (_: unknown, args: { id: string }) => userById.get(args.id) ?? null,
        users: () => data.users,
      },
      User: {
        __resolveReference: (reference: { id: string }) => userById.get(reference.id) ?? null,
      },
    },
  });
}
