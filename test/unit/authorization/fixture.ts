import { composeServices } from "@apollo/composition";
import { type GraphQLSchema, parse } from "graphql";
import type { Caller } from "../../../common/caller.ts";

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@authenticated", "@requiresScopes"])';

/** A small supergraph shaped like ours: protected Citizen type, a union applicant, an interface, scope alternatives. */
const population = `${LINK}
type Query {
  citizen(id: ID!): Citizen
  citizens(ids: [ID!]!): [Citizen]!
  node(id: ID!): Node
  whoami: String @authenticated
  opsNote: String @requiresScopes(scopes: [["ops:read", "ops:write"], ["admin"]])
  publicNote: String
}
interface Node { id: ID! }
type Citizen implements Node @key(fields: "id") @requiresScopes(scopes: [["population:read"]]) {
  id: ID! @requiresScopes(scopes: [["population:pii"]])
  maskedId: String!
  fullName: String!
  residence: Address!
  household: Household
}
type Household implements Node @key(fields: "id") {
  id: ID!
  size: Int!
}
type Address @shareable {
  communeCode: String!
  line: String @requiresScopes(scopes: [["population:pii"]])
}
`;

const procedures = `${LINK}
type Query { dossier(code: ID!): Dossier dossiers: [Dossier!]! }
union Applicant = Citizen | Enterprise
type Dossier @key(fields: "code") {
  code: ID!
  status: String!
  applicant: Applicant @requiresScopes(scopes: [["dossier:read"]])
  history: [Event!]! @requiresScopes(scopes: [["dossier:read"]])
}
type Event { at: String! note: String! }
type Citizen @key(fields: "id", resolvable: false) { id: ID! }
type Enterprise @key(fields: "code") {
  code: ID!
  name: String!
  legalRepresentative: Citizen
  office: Address!
}
type Address @shareable {
  communeCode: String!
  line: String @requiresScopes(scopes: [["population:pii"]])
}
`;

export interface Fixture {
  supergraphSdl: string;
  apiSchema: GraphQLSchema;
}

export function composeFixture(): Fixture {
  const result = composeServices([
    { name: "population", url: "http://population.invalid/graphql", typeDefs: parse(population) },
    { name: "procedures", url: "http://procedures.invalid/graphql", typeDefs: parse(procedures) },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return { supergraphSdl: result.supergraphSdl, apiSchema: result.schema.toAPISchema().toGraphQLJSSchema() };
}

export function caller(scopes: string[], overrides: Partial<Caller> = {}): Caller {
  return { sub: "officer-1", scopes, province: null, commune: null, ...overrides };
}
