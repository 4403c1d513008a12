import { buildSchema } from "@apollo/federation-internals";
import { describe, expect, it } from "vitest";
import { type ApiSchemas, parseOperation } from "./apolloReference.ts";
import { differentialShaping } from "./differential.ts";
import { randomInput, seededRandom } from "./randomInput.ts";

// An API schema with the shapes federation produces: interfaces also served as @interfaceObject (a raw
// __typename naming the interface), unions, non-null lists of non-null objects, enums and a custom scalar.
const API_SDL = `
  type Query {
    node(id: ID!): Node
    nodes: [Node!]
    search: [SearchResult]
    media: [Media!]!
    optionalMedia: [Media]
    account: Account
    strictBooks: [Book!]!
    count: Int!
    ratio: Float
    flag: Boolean
    label: String
    status: Status
    blob: JSON
    constructor: String
  }
  scalar JSON
  enum Status { OPEN CLOSED }
  interface Node { id: ID! }
  interface Media { id: ID! title: String! }
  type Book implements Node & Media { id: ID! title: String! author: Author pages: Int! }
  type Movie implements Node & Media { id: ID! title: String! director: Author minutes: Int }
  type Author implements Node { id: ID! name: String! books: [Book!]! }
  union SearchResult = Book | Author
  type Account { id: ID! owner: Author! }
`;

const apollo = buildSchema(API_SDL);
const schemas: ApiSchemas = { apollo, graphql: apollo.toGraphQLJSSchema() };

const book = (id: string, extra: Record<string, unknown> = {}) => ({
  __typename: "Book",
  id,
  title: `Book ${id}`,
  pages: 100,
  author: { __typename: "Author", id: `a${id}`, name: `Author ${id}`, books: [] },
  ...extra,
});

interface Case {
  readonly name: string;
  readonly query: string;
  readonly input: Record<string, unknown> | null;
  readonly variables?: Record<string, unknown>;
  /** What a client must see, where the case is about a specific behaviour rather than only agreeing with Apollo. */
  readonly expected?: { data: unknown; errorMessages?: string[] };
}

const cases: Case[] = [
  {
    name: "aliases that swap field names",
    query: `{ node(id: "1") { ... on Book { title: pages pages: title id } } }`,
    input: { node: { __typename: "Book", title: 12, pages: "Dune", id: "1" } },
    expected: { data: { node: { title: 12, pages: "Dune", id: "1" } } },
  },
  {
    name: "fragments on abstract types applied by the runtime type only",
    query: `{ search { __typename ... on Book { title } ... on Author { name } ... on Node { id } } }`,
    input: { search: [book("1"), { __typename: "Author", id: "a", name: "Ann", books: [] }, null] },
    expected: {
      data: {
        search: [
          { __typename: "Book", title: "Book 1", id: "1" },
          { __typename: "Author", name: "Ann", id: "a" },
          null,
        ],
      },
    },
  },
  {
    name: "a fragment's fields before the fields selected after it, merged by response name",
    query: `{ nodes { ... on Book { author { name } } id ... on Node { ... on Book { author { id } title } } } }`,
    input: { nodes: [book("1"), book("2")] },
  },
  {
    name: "__typename naming an interface (an @interfaceObject whose follow-up fetch failed) nulls the object",
    query: `{ optionalMedia { __typename id } media { id ... on Book { pages } } }`,
    input: {
      optionalMedia: [{ __typename: "Media", id: "m1" }, book("2")],
      media: [{ __typename: "Media", id: "m1" }],
    },
    expected: { data: { optionalMedia: [null, { __typename: "Book", id: "2" }], media: [{ id: "m1" }] } },
  },
  {
    name: "__typename of a non-null list element naming an interface nulls the whole answer",
    query: `{ label media { __typename id } }`,
    input: { label: "x", media: [{ __typename: "Media", id: "m1" }] },
    expected: { data: null, errorMessages: [] },
  },
  {
    name: "__typename not in the API schema (an @inaccessible type) is an error that does not name it",
    query: `{ node(id: "1") { id } }`,
    input: { node: { __typename: "SecretThing", id: "1" } },
    expected: {
      data: { node: null },
      errorMessages: ["Invalid __typename found for object at field Query.node."],
    },
  },
  {
    name: "@skip and @include with variables and defaults",
    query: `query ($a: Boolean = true, $b: Boolean!) {
      count @include(if: $a) label @skip(if: $b)
      node(id: "1") { ... on Book @include(if: $b) { pages } id @skip(if: false) ratio: __typename @include(if: false) }
    }`,
    input: { count: 3, label: "l", node: book("1") },
    variables: { b: true },
    expected: { data: { count: 3, node: { pages: 100, id: "1" } } },
  },
  {
    name: "provided variables override defaults",
    query: `query ($a: Boolean = true, $b: Boolean!) { count @include(if: $a) label @skip(if: $b) }`,
    input: { count: 3, label: "l" },
    variables: { a: false, b: false },
    expected: { data: { label: "l" } },
  },
  {
    name: "a null non-null list item nulls the list up to the nearest nullable field",
    query: `{ account { id owner { books { id } } } label }`,
    input: { account: { id: "1", owner: { id: "o", name: "O", books: [book("1"), null] } }, label: "kept" },
    expected: {
      data: { account: null, label: "kept" },
      errorMessages: ["Cannot return null for non-nullable array element of type Book at index 1."],
    },
  },
  {
    name: "a null non-null field inside list items nulls only those items where the item is nullable",
    query: `{ search { ... on Author { name } } nodes { id } }`,
    input: {
      search: [
        { __typename: "Author", name: null },
        { __typename: "Author", name: "A" },
      ],
      nodes: [
        { __typename: "Book", id: null },
        { __typename: "Book", id: "2" },
      ],
    },
    expected: {
      data: { search: [null, { name: "A" }], nodes: null },
      errorMessages: [
        "Cannot return null for non-nullable field Author.name.",
        "Cannot return null for non-nullable field Book.id.",
      ],
    },
  },
  {
    name: "a null non-null root field nulls data",
    query: `{ label count }`,
    input: { label: "l" },
    expected: { data: null, errorMessages: ["Cannot return null for non-nullable field Query.count."] },
  },
  {
    name: "invalid leaf values become null with an error; custom scalars pass as they are",
    query: `{ count ratio flag label status blob strictBooks { pages } }`,
    input: {
      count: 1.5,
      ratio: "2",
      flag: 1,
      label: 7,
      status: "DELETED",
      blob: { any: ["thing"] },
      strictBooks: [{ pages: 12 }],
    },
  },
  {
    name: "valid leaf values of every kind",
    query: `{ count ratio flag label status blob node(id: "1") { id } }`,
    input: { count: -4, ratio: 2, flag: false, label: "", status: "OPEN", blob: 5, node: { id: 42 } },
    expected: {
      data: { count: -4, ratio: 2, flag: false, label: "", status: "OPEN", blob: 5, node: { id: 42 } },
    },
  },
  {
    name: "a field named like an Object.prototype property reads only the input's own property",
    query: `{ constructor toString: label }`,
    input: {},
    expected: { data: { constructor: null, toString: null } },
  },
  {
    name: "introspection fields answered from the API schema, with variables",
    query: `query ($t: String!) { __schema { queryType { name } } kind: __type(name: $t) { name fields { name } } count }`,
    input: { count: 1 },
    variables: { t: "Account" },
  },
  {
    name: "root __typename without any input for it",
    query: `{ __typename kind: __typename label }`,
    input: { label: "l" },
    expected: { data: { __typename: "Query", kind: "Query", label: "l" } },
  },
  {
    name: "no data at all",
    query: `{ label }`,
    input: null,
    expected: { data: null, errorMessages: [] },
  },
];

describe("shaping a synthetic schema's operations", () => {
  it.each(cases)("$name", ({ query, input, variables, expected }) => {
    const { ours, apollo } = differentialShaping(schemas, parseOperation(query))(input, variables);
    expect(ours).toEqual(apollo);
    if (expected) {
      expect(JSON.parse(ours.data)).toEqual(expected.data);
      if (expected.errorMessages)
        expect(ours.errors.map((error) => error.message)).toEqual(expected.errorMessages);
    }
  });

  it.each(cases.filter((testCase) => testCase.input !== null && !testCase.query.includes("__schema")))(
    "$name: matches Apollo on random raw data",
    ({ query, variables }) => {
      const parsed = parseOperation(query);
      const shapeBothWays = differentialShaping(schemas, parsed);
      const queryType = schemas.graphql.getQueryType();
      if (!queryType) throw new Error("No Query type");
      for (let seed = 1; seed <= 60; seed++) {
        const input = randomInput(
          schemas.graphql,
          queryType,
          parsed.operation.selectionSet,
          parsed.fragments,
          seededRandom(seed),
        );
        const { ours, apollo } = shapeBothWays(input, variables);
        expect({ seed, ...ours }).toEqual({ seed, ...apollo });
      }
    },
  );
});
