import { buildSchema, getVariableValues, Kind, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { readCostDirectives } from "../../../gateway/demandControl/costDirectives.ts";
import { measureOperation } from "../../../gateway/demandControl/measure.ts";

// The cost spec's directives as a supergraph carries them (`@cost` by the spec's own name, `@listSize` imported).
const SDL = `
  schema @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"]) { query: Query }
  directive @link(url: String, as: String, import: [String]) repeatable on SCHEMA
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query {
    citizen(id: ID!): Citizen
    provinces: [Province!]! @listSize(assumedSize: 34)
    unbounded: [Province!]!
    report(format: String @cost(weight: 7)): Report @cost(weight: 50)
  }
  type Province { code: ID! communes: [Commune!]! @listSize(assumedSize: 5) }
  type Commune { code: ID! name: String! }
  type Citizen { name: String dossiers(first: Int = 20): DossierConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"]) }
  type DossierConnection { totalCount: Int! edges: [DossierEdge!]! }
  type DossierEdge { node: Dossier! }
  type Dossier { code: ID! status: String history: [Event!]! }
  type Event { at: String }
  type Report @cost(weight: 3) { url: String }
`;
const schema = buildSchema(SDL);
const directives = readCostDirectives(SDL);

function measure(query: string, variables: Record<string, unknown> = {}, listSize = 10) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION,
  ) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  return measureOperation({
    schema,
    directives,
    selectionSet: operation.selectionSet,
    rootType: schema.getQueryType() ?? undefined,
    fragments,
    variables: coerced.coerced ?? {},
    listSize,
  });
}

function fragmentBomb(levels: number): string {
  let query = "query Q { ...F0 }";
  for (let i = 0; i < levels - 1; i += 1) query += ` fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`;
  return `${query} fragment F${levels - 1} on Query { provinces { code } }`;
}

describe("measureOperation", () => {
  it("counts depth as nested field levels", () => {
    expect(measure("{ provinces { code } }").depth).toBe(2);
    expect(measure("{ provinces { communes { name } } }").depth).toBe(3);
  });

  it("weighs composite fields 1 and leaves 0, times the @listSize assumed length", () => {
    // provinces: 34 × (Province 1 + communes 5 × Commune 1)
    expect(measure("{ provinces { code communes { name } } }").cost).toBe(34 * (1 + 5));
  });

  it("assumes the configured length for a list no @listSize bounds", () => {
    expect(measure("{ unbounded { code } }", {}, 10).cost).toBe(10);
    expect(measure("{ unbounded { code } }", {}, 25).cost).toBe(25);
  });

  it("sizes a connection's edges by its slicing argument, its schema default when not given", () => {
    const query = (first: string) =>
      `{ citizen(id: 1) { dossiers${first} { totalCount edges { node { code history { at } } } } } }`;
    // Citizen 1 + connection 1 + first × (edge 1 + node 1 + history 10 × Event 1)
    expect(measure(query("(first: 3)")).cost).toBe(2 + 3 * 12);
    expect(measure(query("")).cost).toBe(2 + 20 * 12);
  });

  it("applies variables and their defaults exactly as the literal", () => {
    const literal = measure("{ citizen(id: 1) { dossiers(first: 100) { edges { node { code } } } } }");
    const byDefault = measure(
      "query($n: Int = 100) { citizen(id: 1) { dossiers(first: $n) { edges { node { code } } } } }",
    );
    const byValue = measure(
      "query($n: Int) { citizen(id: 1) { dossiers(first: $n) { edges { node { code } } } } }",
      { n: 100 },
    );
    expect(literal.cost).toBe(2 + 100 * 2);
    expect(byDefault).toEqual(literal);
    expect(byValue).toEqual(literal);
  });

  it("sizes edges reached through fragments, whatever the fragment's place", () => {
    const viaFragment = measure(
      "{ citizen(id: 1) { dossiers(first: 4) { ...Page } } } fragment Page on DossierConnection { edges { ...Edge } } fragment Edge on DossierEdge { node { code } }",
    );
    expect(viaFragment).toEqual(
      measure("{ citizen(id: 1) { dossiers(first: 4) { edges { node { code } } } } }"),
    );
  });

  it("adds @cost weights of fields, of returned types and of given arguments", () => {
    // the field's own @cost (50) wins over its type's (3)
    expect(measure("{ report { url } }").cost).toBe(50);
    expect(measure('{ report(format: "pdf") { url } }').cost).toBe(57);
  });

  it("counts aliases as written: a list does not multiply them", () => {
    expect(measure("{ a: provinces { code } b: provinces { x: code y: code } }").aliases).toBe(4);
  });

  it("follows fragments and inline fragments", () => {
    const viaFragments = measure(
      "{ provinces { ...P } } fragment P on Province { communes { ... on Commune { ...C } } } fragment C on Commune { name }",
    );
    expect(viaFragments).toEqual(measure("{ provinces { communes { name } } }"));
  });

  it("analyses each fragment once: a 40-level fragment bomb is measured (and over the limit) in linear time", () => {
    const started = performance.now();
    const bomb = measure(fragmentBomb(40));
    expect(performance.now() - started).toBeLessThan(50);
    expect(bomb.cost).toBe(2 ** 39 * 34);
    expect(bomb.depth).toBe(2);
  });

  it("terminates on fragment cycles", () => {
    expect(
      measure("{ ...A } fragment A on Query { provinces { code } ...B } fragment B on Query { ...A }").cost,
    ).toBe(34);
  });

  it("ignores introspection fields", () => {
    expect(
      measure("{ __typename __schema { types { fields { type { ofType { ofType { name } } } } } } }"),
    ).toEqual({ depth: 0, aliases: 0, cost: 0 });
  });
});
