// Prints the query plan @apollo/query-planner makes for an operation over a supergraph, the plan both executors run:
//   npx tsx scripts/queryPlan.ts <supergraph.graphql> '<operation>'
// When an answer is wrong under both executors, the plan tells whether the planner or the executor is at fault.
import { readFileSync } from "node:fs";
import { operationFromDocument, Supergraph } from "@apollo/federation-internals";
import { prettyFormatQueryPlan, QueryPlanner } from "@apollo/query-planner";
import { parse } from "graphql";

const [supergraphPath, operationText] = process.argv.slice(2);
if (!supergraphPath || !operationText) {
  console.error("usage: npx tsx scripts/queryPlan.ts <supergraph.graphql> '<operation>'");
  process.exit(2);
}
try {
  // Our supergraphs link @authenticated/@requiresScopes for SECURITY, which a planner refuses unless told otherwise.
  const supergraph = Supergraph.build(readFileSync(supergraphPath, "utf8"), { supportedFeatures: null });
  const operation = operationFromDocument(supergraph.schema, parse(operationText), { validate: true });
  console.log(prettyFormatQueryPlan(new QueryPlanner(supergraph).buildQueryPlan(operation)));
} catch (error) {
  console.error(`no plan: ${(error as Error).message}`);
  process.exit(1);
}
