import { buildSchema, Kind, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { measureOperation } from "../../../gateway/demandControl/limits.ts";

const schema = buildSchema(`
  type Query { citizen(id: ID!): Citizen provinces: [Province!]! }
  type Province { code: ID! communes: [Commune!]! }
  type Commune { code: ID! name: String! }
  type Citizen { name: String dossiers(first: Int): DossierConnection! }
  type DossierConnection { totalCount: Int! edges: [DossierEdge!]! }
  type DossierEdge { node: Dossier! }
  type Dossier { code: ID! status: String }
`);

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION,
  ) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  return measureOperation({
    schema,
    selectionSet: operation.selectionSet,
    rootType: schema.getQueryType() ?? undefined,
    fragments,
    variables,
    listSize: 10,
  });
}

describe("measureOperation", () => {
  it("counts depth as nested field levels", () => {
    expect(measure("{ provinces { code } }").depth).toBe(2);
    expect(measure("{ provinces { communes { name } } }").depth).toBe(3);
  });

  it("follows fragments and inline fragments", () => {
    const viaFragments = measure(
      "{ provinces { ...P } } fragment P on Province { communes { ... on Commune { ...C } } } fragment C on Commune { name }",
    );
    expect(viaFragments).toEqual(measure("{ provinces { communes { name } } }"));
  });

  it("multiplies list fields by the default list size", () => {
    // provinces: 1 + 10 × (code 1 + communes (1 + 10 × 1))
    expect(measure("{ provinces { code communes { name } } }").cost).toBe(1 + 10 * (1 + 1 + 10));
  });

  it("uses a connection's first for its edges, from a literal or a variable", () => {
    const query =
      "query($n: Int) { citizen(id: 1) { dossiers(first: $n) { totalCount edges { node { code status } } } } }";
    // citizen 1 + dossiers (1 + totalCount 1 + edges (1 + n × (node 1 + 2)))
    expect(measure(query, { n: 3 }).cost).toBe(1 + 1 + 1 + 1 + 3 * 3);
    const literal =
      "{ citizen(id: 1) { dossiers(first: 100) { totalCount edges { node { code status } } } } }";
    expect(measure(literal).cost).toBe(4 + 100 * 3);
  });

  it("counts aliases, including those repeated under lists", () => {
    expect(measure("{ a: provinces { code } b: provinces { x: code } }").aliases).toBe(2 + 10);
  });

  it("ignores introspection fields", () => {
    expect(
      measure("{ __typename __schema { types { fields { type { ofType { ofType { name } } } } } } }"),
    ).toEqual({
      depth: 0,
      aliases: 0,
      cost: 0,
    });
  });
});
