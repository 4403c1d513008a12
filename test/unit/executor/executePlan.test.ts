// Plans run by our executor against a scripted subgraph call: results merged into one tree, entity fetches of a
// Parallel step to one subgraph joined into one `_entities` request and split back, errors moved to the client's
// paths, a failed fetch nulling only its own fields.
import type { FetchNode, PlanNode, QueryPlan } from "@apollo/query-planner";
import { buildSchema, type GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../../common/caller.ts";
import { createGatewayContext } from "../../../gateway/context.ts";
import { createEntityFetchBatcher } from "../../../gateway/executor/batchedEntityFetch.ts";
import { executePlan, type PlanExecutionDeps } from "../../../gateway/executor/executePlan.ts";
import { createTypeMatcher } from "../../../gateway/executor/typeConditions.ts";
import { SubgraphFetchError } from "../../../gateway/fetch/errors.ts";
import type { SubgraphFetch, SubgraphResult } from "../../../gateway/fetch/pipeline.ts";
import { createSubgraphCall } from "../../../gateway/fetch/subgraphCall.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";

const schema = buildSchema(`
  type Query { province(code: ID!): Province }
  type Province { code: ID! name: String communes: [Commune] stats: Stats }
  type Commune { code: ID! name: String stats: Stats }
  type Stats { total: Int }
`);
const logger = createLogger({ log: { level: "silent" } });

const rootFetch: FetchNode = {
  kind: "Fetch",
  serviceName: "reporting",
  variableUsages: ["code"],
  operation:
    "query P__reporting__0($code:ID!){province(code:$code){__typename code name communes{__typename code}}}",
  operationName: "P__reporting__0",
  operationKind: "query" as FetchNode["operationKind"],
};

function statsFetch(type: "Province" | "Commune", name: string): FetchNode {
  return {
    kind: "Fetch",
    serviceName: "population",
    requires: [
      {
        kind: "InlineFragment",
        typeCondition: type,
        selections: [
          { kind: "Field", name: "__typename" },
          { kind: "Field", name: "code" },
        ],
      },
    ],
    operation: `query ${name}($representations:[_Any!]!){_entities(representations:$representations){...on ${type}{stats{total}}}}`,
    operationName: name,
    operationKind: "query" as FetchNode["operationKind"],
  };
}

const dashboardPlan = (): QueryPlan => ({
  kind: "QueryPlan",
  node: {
    kind: "Sequence",
    nodes: [
      rootFetch,
      {
        kind: "Parallel",
        nodes: [
          { kind: "Flatten", path: ["province"], node: statsFetch("Province", "P__population__1") },
          {
            kind: "Flatten",
            path: ["province", "communes", "@"],
            node: statsFetch("Commune", "P__population__2"),
          },
        ],
      } satisfies PlanNode,
    ],
  },
});

const PROVINCE = {
  province: {
    __typename: "Province",
    code: "40",
    name: "Nghệ An",
    communes: [{ __typename: "Commune", code: "A" }, null, { __typename: "Commune", code: "B" }],
  },
};

type Answer = (fetch: SubgraphFetch) => SubgraphResult["body"] | Error;

function run(plan: QueryPlan, answer: Answer, variables: Record<string, unknown> = { code: "40" }) {
  const sent: SubgraphFetch[] = [];
  const restricted: unknown[] = [];
  const pipeline = async (fetch: SubgraphFetch): Promise<SubgraphResult> => {
    sent.push(structuredClone({ ...fetch, context: undefined }) as unknown as SubgraphFetch);
    const body = answer(fetch);
    if (body instanceof Error) throw body;
    return { body: structuredClone(body), cachePolicy: { maxAge: 60, scope: "PUBLIC" } };
  };
  const deps: PlanExecutionDeps = {
    call: createSubgraphCall({ pipeline, metrics: createGatewayMetrics() }),
    subgraphUrl: (name) => `http://${name}.test/graphql`,
    matches: createTypeMatcher(schema, false),
    rewriteMatches: createTypeMatcher(schema, true),
    batcher: createEntityFetchBatcher(schema),
  };
  const result = executePlan(deps, plan, {
    variables,
    coercedVariables: variables,
    context: createGatewayContext({ requestId: "r1", caller: ANONYMOUS, logger }),
    cachePolicy: { restrict: (hint) => restricted.push(hint) },
  });
  return { result, sent, restricted };
}

const plain = (errors: GraphQLError[]) => errors.map((error) => error.toJSON());

describe("executePlan", () => {
  it("sends the entity fetches of one step to one subgraph as one request and merges the answers in place", async () => {
    const { result, sent, restricted } = await run(dashboardPlan(), (fetch) => {
      if (fetch.subgraph === "reporting") return { data: structuredClone(PROVINCE) };
      const representations = fetch.request.variables?.representations as { code: string }[];
      return { data: { _entities: representations.map((r) => ({ stats: { total: r.code.length } })) } };
    });
    const { data, errors } = await result;

    expect(errors).toEqual([]);
    expect(sent.map((fetch) => fetch.subgraph)).toEqual(["reporting", "population"]);
    const entities = sent[1]!;
    expect(entities.kind).toBe("entities");
    expect(entities.request.variables?.representations).toEqual([
      { __typename: "Province", code: "40" },
      { __typename: "Commune", code: "A" },
      { __typename: "Commune", code: "B" },
    ]);
    expect(entities.request.query).toBe(
      "query P__population__1($representations:[_Any!]!){_entities(representations:$representations){...on Province{stats{total}}...on Commune{stats{total}}}}",
    );
    expect(data).toEqual({
      province: {
        __typename: "Province",
        code: "40",
        name: "Nghệ An",
        stats: { total: 2 },
        communes: [
          { __typename: "Commune", code: "A", stats: { total: 1 } },
          null,
          { __typename: "Commune", code: "B", stats: { total: 1 } },
        ],
      },
    });
    // Each fetch narrows the request's cache policy.
    expect(restricted).toEqual([
      { maxAge: 60, scope: "PUBLIC" },
      { maxAge: 60, scope: "PUBLIC" },
    ]);
  });

  it("moves an `_entities` error of a joined request to that entity's place in the answer", async () => {
    const { result } = await run(dashboardPlan(), (fetch) => {
      if (fetch.subgraph === "reporting") return { data: structuredClone(PROVINCE) };
      return {
        data: { _entities: [{ stats: { total: 1 } }, { stats: { total: 2 } }, { stats: null }] },
        errors: [{ message: "no stats", path: ["_entities", 2, "stats"], extensions: { code: "NOT_FOUND" } }],
      };
    });
    const { data, errors } = await result;
    // The third representation is commune B, the third element of `communes` (index 2, after the null).
    expect(plain(errors)).toEqual([
      {
        message: "no stats",
        path: ["province", "communes", 2, "stats"],
        extensions: { code: "NOT_FOUND", serviceName: "population" },
      },
    ]);
    expect((data.province as { communes: unknown[] }).communes[2]).toEqual({
      __typename: "Commune",
      code: "B",
      stats: null,
    });
  });

  describe("entities with the same representation", () => {
    const REPEATS = {
      province: {
        ...PROVINCE.province,
        communes: [
          { __typename: "Commune", code: "A" },
          null,
          { __typename: "Commune", code: "A" },
          { __typename: "Commune", code: "B" },
        ],
      },
    };

    it("are asked about once, and each gets an answer of its own", async () => {
      const { result, sent } = await run(dashboardPlan(), (fetch) => {
        if (fetch.subgraph === "reporting") return { data: structuredClone(REPEATS) };
        const representations = fetch.request.variables?.representations as { code: string }[];
        return { data: { _entities: representations.map((r) => ({ stats: { total: r.code.length } })) } };
      });
      const { data, errors } = await result;
      expect(errors).toEqual([]);
      expect(sent[1]!.request.variables?.representations).toEqual([
        { __typename: "Province", code: "40" },
        { __typename: "Commune", code: "A" },
        { __typename: "Commune", code: "B" },
      ]);
      const communes = (data.province as { communes: { stats: unknown }[] }).communes;
      expect(communes.map((commune) => commune?.stats)).toEqual([
        { total: 1 },
        undefined,
        { total: 1 },
        { total: 1 },
      ]);
      // Later fetches merge into these objects in place: a shared one would change both entities.
      expect(communes[0]!.stats).not.toBe(communes[2]!.stats);
    });

    it("keep their own __typename when rewrites gave them the same representation", async () => {
      // As for an @interfaceObject: a Province and a Commune both sent as a `Unit` with the same code.
      const asUnit = (type: string) => ({
        kind: "ValueSetter" as const,
        path: [`... on ${type}`, "__typename"],
        setValueTo: "Unit",
      });
      const unitStats: FetchNode = {
        ...statsFetch("Province", "P__population__1"),
        requires: [...statsFetch("Province", "").requires!, ...statsFetch("Commune", "").requires!],
        inputRewrites: [asUnit("Province"), asUnit("Commune")],
      };
      const plan: QueryPlan = {
        kind: "QueryPlan",
        node: {
          kind: "Sequence",
          nodes: [rootFetch, { kind: "Flatten", path: ["province", "communes", "@"], node: unitStats }],
        },
      };
      const { result, sent } = await run(plan, (fetch) => {
        if (fetch.subgraph === "reporting") {
          const province = { ...PROVINCE.province, communes: [{ __typename: "Province", code: "A" }] };
          province.communes.push({ __typename: "Commune", code: "A" });
          return { data: { province } };
        }
        return { data: { _entities: [{ stats: { total: 7 } }] } };
      });
      const { data } = await result;
      expect(sent[1]!.request.variables?.representations).toEqual([{ __typename: "Unit", code: "A" }]);
      expect((data.province as { communes: unknown[] }).communes).toEqual([
        { __typename: "Province", code: "A", stats: { total: 7 } },
        { __typename: "Commune", code: "A", stats: { total: 7 } },
      ]);
    });

    it("get the errors of their shared representation each, in the order of the answer", async () => {
      const { result } = await run(dashboardPlan(), (fetch) => {
        if (fetch.subgraph === "reporting") return { data: structuredClone(REPEATS) };
        return {
          data: { _entities: [{ stats: { total: 2 } }, { stats: null }, { stats: null }] },
          errors: [
            { message: "no stats for A", path: ["_entities", 1, "stats"] },
            { message: "no stats for B", path: ["_entities", 2, "stats"] },
          ],
        };
      });
      const { errors } = await result;
      expect(errors.map((error) => [error.message, error.path])).toEqual([
        ["no stats for A", ["province", "communes", 0, "stats"]],
        ["no stats for A", ["province", "communes", 2, "stats"]],
        ["no stats for B", ["province", "communes", 3, "stats"]],
      ]);
    });
  });

  it("gives errors without a code DOWNSTREAM_SERVICE_ERROR and root errors their own path", async () => {
    const { result } = await run({ kind: "QueryPlan", node: rootFetch }, () => ({
      data: { province: null },
      errors: [{ message: "boom", path: ["province"] }],
    }));
    const { errors } = await result;
    expect(plain(errors)).toEqual([
      {
        message: "boom",
        path: ["province"],
        extensions: { serviceName: "reporting", code: "DOWNSTREAM_SERVICE_ERROR" },
      },
    ]);
  });

  it("turns a failed joined fetch into SUBGRAPH_UNAVAILABLE errors at each entity's fields, keeping the rest", async () => {
    const { result } = await run(dashboardPlan(), (fetch) =>
      fetch.subgraph === "reporting"
        ? { data: structuredClone(PROVINCE) }
        : new SubgraphFetchError("population", "connection", "refused"),
    );
    const { data, errors } = await result;
    expect(errors.map((error) => error.path)).toEqual([
      ["province", "stats"],
      ["province", "communes", 0, "stats"],
      ["province", "communes", 2, "stats"],
    ]);
    expect(errors.every((error) => error.extensions.code === "SUBGRAPH_UNAVAILABLE")).toBe(true);
    expect((data.province as { name: string }).name).toBe("Nghệ An");
  });

  it("runs a Condition's branch by the variable, its default applied", async () => {
    const plan: QueryPlan = {
      kind: "QueryPlan",
      node: { kind: "Condition", condition: "withProvince", ifClause: rootFetch },
    };
    const skipped = run(plan, () => ({ data: structuredClone(PROVINCE) }), { withProvince: false });
    expect((await skipped.result).data).toEqual({});
    expect(skipped.sent).toEqual([]);
    const taken = run(plan, () => ({ data: structuredClone(PROVINCE) }), { withProvince: true, code: "40" });
    expect((await taken.result).data).toEqual(PROVINCE);
  });

  it("reports an `_entities` answer of the wrong length as an error and keeps the data fetched before", async () => {
    const { result } = await run(dashboardPlan(), (fetch) =>
      fetch.subgraph === "reporting" ? { data: structuredClone(PROVINCE) } : { data: { _entities: [] } },
    );
    const { data, errors } = await result;
    expect(errors.map((error) => error.message)).toEqual(['Expected "data._entities" to contain 3 elements']);
    expect((data.province as { code: string }).code).toBe("40");
  });

  it("refuses subscriptions as Apollo Gateway does", async () => {
    const plan = { kind: "QueryPlan", node: { kind: "Subscription", primary: rootFetch } } as QueryPlan;
    await expect(run(plan, () => ({ data: {} })).result).rejects.toThrow(
      "Execution of subscriptions not supported by gateway",
    );
  });
});
