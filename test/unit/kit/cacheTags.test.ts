// What a kit subgraph tags its answers with: one tag per entity it returns, found by the entity's @key whatever the
// query selects, never a personal key, and a header that stays within what HTTP parsers accept.
import { ApolloServer } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { boundedTags, CACHE_TAG_HEADER, parseCacheTags } from "../../../common/cacheTags.ts";
import { cacheTagsPlugin } from "../../../subgraphs/kit/cacheTags.ts";

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { province(code: ID!): Province, citizen(id: ID!): Citizen }
  type Province @key(fields: "code") { code: ID! name: String! communes: [Commune!]! }
  type Commune @key(fields: "code") { code: ID! name: String! }
  type Citizen @key(fields: "id") { id: ID! name: String! }
`);

const communes = [{ code: "40001" }, { code: "40002" }];
const resolvers = {
  Query: {
    province: (_: unknown, { code }: { code: string }) => ({ code, name: "Nghệ An" }),
    citizen: (_: unknown, { id }: { id: string }) => ({ id, name: "A" }),
  },
  Province: { communes: () => communes },
  Commune: {
    __resolveReference: (ref: { code: string }) => ref,
    name: ({ code }: { code: string }) => `commune ${code}`,
  },
  Citizen: { __resolveReference: (ref: { id: string }) => ({ ...ref, name: "A" }) },
};

async function tagsOf(query: string, variables?: Record<string, unknown>): Promise<string[]> {
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  const server = new ApolloServer({
    schema,
    plugins: [cacheTagsPlugin(schema, typeDefs)],
  });
  await server.start();
  try {
    const response = await server.executeOperation({ query, variables });
    expect(response.body.kind === "single" && response.body.singleResult.errors).toBeFalsy();
    return parseCacheTags(response.http.headers.get(CACHE_TAG_HEADER)).sort();
  } finally {
    await server.stop();
  }
}

describe("kit cache tags", () => {
  it("tags every entity of the answer, even when the query does not select its key", async () => {
    expect(await tagsOf('{ province(code: "40") { name communes { name } } }')).toEqual([
      "commune:40001",
      "commune:40002",
      "province:40",
    ]);
  });

  it("tags the entities of an _entities fetch by their representations", async () => {
    const query = "query($r:[_Any!]!){ _entities(representations:$r){ ...on Commune { name } } }";
    expect(await tagsOf(query, { r: [{ __typename: "Commune", code: "16681" }] })).toEqual(["commune:16681"]);
  });

  it("never puts a citizen's id in a tag: the type stands for them", async () => {
    const tags = await tagsOf('{ citizen(id: "040123456789") { id name } }');
    expect(tags).toEqual(["citizen"]);
    const query = "query($r:[_Any!]!){ _entities(representations:$r){ ...on Citizen { name } } }";
    expect(await tagsOf(query, { r: [{ __typename: "Citizen", id: "040123456789" }] })).toEqual(["citizen"]);
  });

  it("names the most numerous type by its type tag when the list would not fit a header", () => {
    const many = Array.from({ length: 2000 }, (_, i) => `commune:${10000 + i}`);
    expect(boundedTags([...many, "province:40"])).toEqual(["commune", "province:40"]);
    expect(boundedTags(["province:40", "province:40"])).toEqual(["province:40"]);
  });
});
