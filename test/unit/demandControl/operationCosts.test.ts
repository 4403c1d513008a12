// The cost of every client operation of schema/operations/ on the checked-in supergraph's @listSize sizes, computed
// by hand (composite fields weigh 1, leaves 0; README lists these beside the limits), and within the default limits.
import { readFileSync } from "node:fs";
import { Supergraph } from "@apollo/federation-internals";
import { getVariableValues, Kind, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../../gateway/config.ts";
import { readCostDirectives } from "../../../gateway/demandControl/costDirectives.ts";
import { measureOperation } from "../../../gateway/demandControl/measure.ts";

const supergraph = readFileSync(new URL("../../../schema/supergraph.graphql", import.meta.url), "utf8");
const schema = Supergraph.build(supergraph, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
const directives = readCostDirectives(supergraph);
const limits = loadGatewayConfig({}).demandControl;

function measure(query: string) {
  const document = parse(query, { maxTokens: limits.maxTokens });
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION,
  ) as OperationDefinitionNode;
  return measureOperation({
    schema,
    directives,
    selectionSet: operation.selectionSet,
    rootType: schema.getQueryType() ?? undefined,
    fragments: {},
    variables: getVariableValues(schema, operation.variableDefinitions ?? [], {}).coerced ?? {},
    listSize: limits.costListSize,
  });
}

const operation = (name: string) =>
  readFileSync(new URL(`../../../schema/operations/${name}.graphql`, import.meta.url), "utf8");

describe("the client operations' cost", () => {
  it.each([
    // province 1 + 2 taskProgress + 3 stats + platformDeployments 5 + communes 168 × (Commune 1 + 3 stats)
    ["ProvinceDashboard", 1 + 2 + 3 + 5 + 168 * 4],
    // nationalTaskProgress 1 + platformRollout 7 + provinces 34 × (Province 1 + taskProgress 1 + 3 stats)
    ["NationalOverview", 1 + 7 + 34 * 5],
    // commune 1 + province 1 + mergedFrom 14 + dossierStats 1; procedures 1 + 20 × (edge 1 + node 1); dossier 1 + procedure 1
    ["CommunePortal", 17 + 41 + 2],
    // citizen 1 + residence 3 + household (1 + members 10) + representedEnterprises 10 + dossiers 1 + 10 × (edge, node, procedure)
    ["CitizenProfile", 1 + 3 + 11 + 10 + 1 + 10 * 3],
  ])("%s costs %i, within the default limits", (name, cost) => {
    const measured = measure(operation(name));
    expect(measured.cost).toBe(cost);
    expect(measured.cost).toBeLessThanOrEqual(limits.maxCost);
    expect(measured.depth).toBeLessThanOrEqual(limits.maxDepth);
    expect(measured.aliases).toBeLessThanOrEqual(limits.maxAliases);
  });
});
