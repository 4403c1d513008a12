// Inbound deduplication over the real subgraphs: 50 identical dashboards in flight at once cost the subgraphs what
// one dashboard costs, as counted on the wire in front of each subgraph.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SubgraphName } from "../../../subgraphs/kit/config.ts";
import { readOperation, type Stack, SUBGRAPH_NAMES, startStack } from "../../support/stack.ts";
import { type SubgraphRecorder, startSubgraphRecorder } from "./subgraphRecorder.ts";

const CONCURRENT = 50;

let stack: Stack;
const recorders = {} as Record<SubgraphName, SubgraphRecorder>;

beforeAll(async () => {
  stack = await startStack();
  for (const name of SUBGRAPH_NAMES) {
    recorders[name] = await startSubgraphRecorder(stack.subgraphs[name].url);
  }
});

afterAll(async () => {
  for (const recorder of Object.values(recorders)) await recorder.stop();
  await stack?.stop();
});

const fetchesPerSubgraph = () =>
  Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, recorders[name].fetches.length]));

it(`${CONCURRENT} concurrent identical ProvinceDashboard requests cause one execution in the subgraphs`, async () => {
  // Only dedup stands between the requests and the subgraphs: no response or entity cache to absorb repeats.
  const gateway = await stack.startGateway({
    RESPONSE_CACHE: "off",
    ENTITY_CACHE: "off",
    ...Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, recorders[name].url]),
    ),
  });
  const dashboard = await readOperation("ProvinceDashboard");
  const alone = await gateway.query(dashboard, { code: "40" });
  expect(alone.errors).toBeUndefined();
  const oneExecution = fetchesPerSubgraph();
  expect(Object.values(oneExecution).every((count) => count > 0)).toBe(true);
  for (const recorder of Object.values(recorders)) recorder.clear();

  // A slow platform (and no cached records) keeps the leader in flight while the others arrive.
  await stack.flushRecordCaches();
  await stack.sandbox.setFaults({ latencyMs: 200 });
  const answers = await Promise.all(
    Array.from({ length: CONCURRENT }, () => gateway.query(dashboard, { code: "40" })),
  );
  await stack.sandbox.setFaults({ latencyMs: 0 });

  expect(fetchesPerSubgraph()).toEqual(oneExecution);
  for (const answer of answers) {
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual(alone.data);
  }
  expect(await gateway.metric("lienthong_gateway_dedup_joins_total")).toBe(CONCURRENT - 1);
});
