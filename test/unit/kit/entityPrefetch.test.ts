import { buildSubgraphSchema } from "@apollo/subgraph";
import { describe, expect, it } from "vitest";
import type { SubgraphContext } from "../../../subgraphs/kit/context.ts";
import { createEntityPrefetch } from "../../../subgraphs/kit/entityPrefetch.ts";
import type { FieldLoad } from "../../../subgraphs/kit/prefetch.ts";
import { loadTypeDefs } from "../../../subgraphs/kit/schema.ts";
import { unitEntityLoads } from "../../../subgraphs/kit/units.ts";

const schema = buildSubgraphSchema({
  typeDefs: loadTypeDefs(new URL("../../../subgraphs/procedures/schema.graphql", import.meta.url)),
});
const ctx = {} as SubgraphContext;

/** The procedures subgraph's unit loads, recording each call instead of asking a platform. */
function recordedLoads() {
  const calls: string[] = [];
  const record =
    (field: string): FieldLoad =>
    async (key, args) => {
      calls.push(`${field} ${key} ${JSON.stringify(args)}`);
      return null;
    };
  const loads = unitEntityLoads({
    dossierStats: record("dossierStats"),
    procedureCount: record("procedureCount"),
  });
  return { loads, calls };
}

const ENTITIES = `query($representations: [_Any!]!, $from: Date) {
  _entities(representations: $representations) {
    ... on Province { dossierStats(from: $from) { received } }
    ... on Commune { dossierStats(from: $from) { received onTimeRate } }
  }
}`;

const representations = [
  { __typename: "Province", code: "40" },
  { __typename: "Commune", code: "16681" },
  { __typename: "Commune", code: "16690" },
];

describe("an _entities request starts its loads from its body", () => {
  it("loads each selected field for each representation of its type, with the field's arguments", () => {
    const { loads, calls } = recordedLoads();
    const prefetch = createEntityPrefetch(schema, loads);
    const started = prefetch({ query: ENTITIES, variables: { representations, from: "2025-07-01" } }, ctx);
    expect(started).toBe(true);
    expect(calls.sort()).toEqual([
      'dossierStats 16681 {"from":"2025-07-01"}',
      'dossierStats 16690 {"from":"2025-07-01"}',
      'dossierStats 40 {"from":"2025-07-01"}',
    ]);
  });

  it("follows named fragments and @skip/@include as execution will, and loads nothing unselected", () => {
    const { loads, calls } = recordedLoads();
    const prefetch = createEntityPrefetch(schema, loads);
    const query = `query Stats($representations: [_Any!]!, $withCount: Boolean!) {
      _entities(representations: $representations) { ...Unit }
    }
    fragment Unit on _Entity {
      ... on Province { procedureCount(agency: DOST) @include(if: $withCount) code }
      ... on Commune { code }
    }`;
    prefetch({ query, operationName: "Stats", variables: { representations, withCount: false } }, ctx);
    expect(calls).toEqual([]);
    prefetch({ query, operationName: "Stats", variables: { representations, withCount: true } }, ctx);
    expect(calls).toEqual(['procedureCount 40 {"agency":"DOST"}']);
  });

  it("starts nothing for a key its unit's rule refuses, a type it has no loads for, or a key that is not text", () => {
    const { loads, calls } = recordedLoads();
    const prefetch = createEntityPrefetch(schema, loads);
    prefetch(
      {
        query: ENTITIES,
        variables: {
          representations: [
            { __typename: "Commune", code: "not-a-code" },
            { __typename: "Citizen", id: "040190001234" },
            { __typename: "Province", code: 40 },
          ],
        },
      },
      ctx,
    );
    expect(calls).toEqual([]);
  });

  it("leaves every other body to Apollo Server: root queries, mutations, bad syntax, variables that do not coerce", () => {
    const { loads, calls } = recordedLoads();
    const prefetch = createEntityPrefetch(schema, loads);
    const bodies: unknown[] = [
      null,
      "text",
      { query: ENTITIES },
      { query: ENTITIES, variables: { representations: "no" } },
      { query: `{ procedure(code: "1.001612") { name } }`, variables: { representations } },
      { query: "query {", variables: { representations } },
      { query: ENTITIES, variables: { representations: [null] } },
      {
        query: `query($representations: [_Any!]!) {
          _entities(representations: $representations) { ... on Province { procedureCount(agency: NOT_AN_AGENCY) } }
        }`,
        variables: { representations },
      },
      { query: ENTITIES, operationName: "Other", variables: { representations } },
    ];
    for (const body of bodies) expect(prefetch(body, ctx)).toBe(false);
    expect(calls).toEqual([]);
  });
});
