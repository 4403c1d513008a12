import { buildSchema, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import type { CostDirectives } from "../../../gateway/demandControl/costDirectives.ts";
import type { OperationMeasure } from "../../../gateway/demandControl/measure.ts";
import { createMeasureMemo } from "../../../gateway/demandControl/measureMemo.ts";

const schema = buildSchema("type Query { units(first: Int): [String] }");
const operationOf = (query: string) => parse(query).definitions[0] as OperationDefinitionNode;
const directives = {} as CostDirectives;

/** A measure that says how many times it ran, so the test sees when the memo answered instead. */
function countingMeasure() {
  let runs = 0;
  return {
    measure: (): OperationMeasure => ({ depth: 1, aliases: 0, cost: ++runs }),
    runs: () => runs,
  };
}

describe("operation measures are remembered per operation and variables", () => {
  it("measures an operation once per distinct variable set", () => {
    const memo = createMeasureMemo();
    const operation = operationOf("query($n: Int) { units(first: $n) }");
    const { measure, runs } = countingMeasure();
    expect(memo.of(operation, schema, directives, { n: 5 }, measure).cost).toBe(1);
    expect(memo.of(operation, schema, directives, { n: 5 }, measure).cost).toBe(1);
    expect(memo.of(operation, schema, directives, { n: 500 }, measure).cost).toBe(2);
    expect(memo.of(operation, schema, directives, undefined, measure).cost).toBe(3);
    expect(runs()).toBe(3);
  });

  it("measures again under a new supergraph: other schema or other cost directives", () => {
    const memo = createMeasureMemo();
    const operation = operationOf("{ units }");
    const { measure, runs } = countingMeasure();
    memo.of(operation, schema, directives, {}, measure);
    memo.of(operation, buildSchema("type Query { units: [String] }"), directives, {}, measure);
    memo.of(operation, schema, {} as CostDirectives, {}, measure);
    expect(runs()).toBe(3);
  });

  it("keeps other operations apart, and does not keep huge variables", () => {
    const memo = createMeasureMemo();
    const { measure, runs } = countingMeasure();
    memo.of(operationOf("{ units }"), schema, directives, {}, measure);
    memo.of(operationOf("{ units }"), schema, directives, {}, measure);
    const big = { n: "x".repeat(5000) };
    const operation = operationOf("query($n: String) { units }");
    memo.of(operation, schema, directives, big, measure);
    memo.of(operation, schema, directives, big, measure);
    expect(runs()).toBe(4);
  });
});
