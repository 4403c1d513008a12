// The Cache-Control a kit subgraph sends: computed from the @cacheControl hints of the fields an answer resolved,
// exactly as Apollo Server's own cache-control plugin computed it when it hooked every field. Each case is asked of
// both, so an expectation that Apollo's plugin would not meet fails too.
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControl } from "@apollo/server/plugin/cacheControl";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type GraphQLSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { cacheControlPlugin } from "../../../subgraphs/kit/cacheControl.ts";

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query {
    province(code: ID!): Province
    missing: Province
    count: Int
    fresh: Int @cacheControl(maxAge: 5)
    applicant: Applicant
  }
  type Province @key(fields: "code") @cacheControl(maxAge: 60) {
    code: ID!
    stats: Stats
    band: Band
    leader: Person
    leaderNamed: String @cacheControl(maxAge: 10, scope: PRIVATE)
    archive: Archive @cacheControl(maxAge: 600)
    broken: Int
  }
  type Stats @cacheControl(maxAge: 30) { total: Int, band: Band }
  type Band @cacheControl(inheritMaxAge: true) { label: String }
  type Person @key(fields: "id") @cacheControl(maxAge: 20, scope: PRIVATE) { id: ID!, name: String }
  type Archive { year: Int }
  type Office @key(fields: "code") { code: ID! }
  union Applicant @cacheControl(inheritMaxAge: true) = Person | Province
`);

const resolvers = {
  Query: {
    province: (_: unknown, { code }: { code: string }) => ({ code }),
    missing: () => null,
    count: () => 1,
    fresh: () => 2,
    applicant: () => ({ __typename: "Person", id: "1", name: "A" }),
  },
  Province: {
    __resolveReference: (ref: { code: string }) => ref,
    stats: async () => ({ total: 3, band: { label: "x" } }),
    band: () => ({ label: "y" }),
    leader: () => null,
    leaderNamed: () => "B",
    archive: () => ({ year: 2020 }),
    broken: () => {
      throw new Error("no");
    },
  },
  Person: { __resolveReference: (ref: { id: string }) => ({ ...ref, name: "A" }) },
  Office: { __resolveReference: (ref: { code: string }) => ref },
};

async function cacheControlOf(
  plugins: (schema: GraphQLSchema) => ApolloServerPlugin[],
  query: string,
  variables?: Record<string, unknown>,
): Promise<string | undefined> {
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  const server = new ApolloServer({ schema, plugins: plugins(schema) });
  await server.start();
  try {
    const response = await server.executeOperation({ query, variables });
    return response.http.headers.get("cache-control");
  } finally {
    await server.stop();
  }
}

const ours = (schema: GraphQLSchema) => [
  ApolloServerPluginCacheControlDisabled(),
  cacheControlPlugin(schema),
];
const apollos = () => [ApolloServerPluginCacheControl({ defaultMaxAge: 0, calculateHttpHeaders: true })];

const entities = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Province { code } } }";

const cases: [string, string, Record<string, unknown> | undefined, string][] = [
  ["an object's type hint", '{ province(code: "40") { code } }', undefined, "max-age=60, public"],
  [
    "the shortest maxAge of the objects resolved",
    '{ province(code: "40") { stats { total } } }',
    undefined,
    "max-age=30, public",
  ],
  [
    "a field's own hint over its type's",
    '{ province(code: "40") { archive { year } } }',
    undefined,
    "max-age=60, public",
  ],
  [
    "a field's own PRIVATE scope",
    '{ province(code: "40") { leaderNamed } }',
    undefined,
    "max-age=10, private",
  ],
  [
    "inheritMaxAge on a type taking the parent's",
    '{ province(code: "40") { band { label } stats { band { label } } } }',
    undefined,
    "max-age=30, public",
  ],
  [
    "a null object's type, counted all the same",
    '{ province(code: "40") { leader { name } } }',
    undefined,
    "max-age=20, private",
  ],
  [
    "a null object: its type counts, its fields' types do not",
    "{ missing { stats { total } } }",
    undefined,
    "max-age=60, public",
  ],
  ["a root scalar without a hint: uncacheable", "{ count }", undefined, "no-store"],
  ["a root scalar with its own hint", "{ fresh }", undefined, "max-age=5, public"],
  [
    "a root union that inherits: no maxAge to inherit, uncacheable",
    "{ applicant { ... on Person { name } } }",
    undefined,
    "no-store",
  ],
  ["an answer with errors: uncacheable", '{ province(code: "40") { broken } }', undefined, "no-store"],
  [
    "_entities: the representations' types",
    entities,
    { r: [{ __typename: "Province", code: "40" }] },
    "max-age=60, public",
  ],
  [
    "_entities: the least fresh type, PRIVATE if any is",
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on Province { code } ... on Person { id } } }",
    {
      r: [
        { __typename: "Province", code: "40" },
        { __typename: "Person", id: "1" },
      ],
    },
    "max-age=20, private",
  ],
  [
    "_entities of a type without a hint: uncacheable",
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on Office { code } } }",
    { r: [{ __typename: "Office", code: "1" }] },
    "no-store",
  ],
];

describe("kit Cache-Control", () => {
  it.each(cases)("%s", async (_, query, variables, expected) => {
    const sent = {
      ours: await cacheControlOf(ours, query, variables),
      apollo: await cacheControlOf(apollos, query, variables),
    };
    expect(sent).toEqual({ ours: expected, apollo: expected });
  });
});
