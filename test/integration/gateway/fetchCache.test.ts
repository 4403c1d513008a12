// Issue 12, first bullet: root-field fetches are cached per fetch, so the PRIVATE dossier in the commune portal no
// longer sends the commune page and the procedures back to the subgraphs on every request.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  readOperation,
  STACK_OPS_TOKEN,
  type Stack,
  type StackGateway,
  startStack,
} from "../../support/stack.ts";
import { type StackRecorders, startStackRecorders } from "../../support/subgraphRecorder.ts";

const COMMUNE = "16681";
/** The portal's dossier lookup with `history`, which SCHEMA.md makes PRIVATE: an answer with a personal part. */
const PERSONAL_DOSSIER =
  "dossier(code: $dossier) { code status receivedAt dueAt procedure { code name } history { at status } }";

let stack: Stack;
let recording: StackRecorders;
/** Fetch cache on, response cache and dedup off: every request is planned and executed, only fetches may be saved. */
let cached: StackGateway;
let uncached: StackGateway;
let portal: string;
let personalPortal: string;
let variables: { commune: string; dossier: string };
let otherDossier: string;
let alice: string;
let bob: string;

/** Every subgraph request the cached gateway made since the last clear, as the recorders saw them. */
function subgraphRequests(): { subgraph: string; body: string }[] {
  return Object.entries(recording.recorders).flatMap(([subgraph, recorder]) =>
    recorder.fetches.map((fetch) => ({ subgraph, body: fetch.body.toString("utf8") })),
  );
}

beforeAll(async () => {
  stack = await startStack();
  uncached = await stack.startGateway({ RESPONSE_CACHE: "off", DEDUP: "off", FETCH_CACHE: "off" });
  recording = await startStackRecorders(stack.subgraphs);
  cached = await stack.startGateway({ ...recording.gatewayEnv, RESPONSE_CACHE: "off", DEDUP: "off" });
  portal = await readOperation("CommunePortal");
  personalPortal = portal.replace(/dossier\(code: \$dossier\) \{[^\n]*\}$/m, PERSONAL_DOSSIER);
  expect(personalPortal).toContain("history");
  const dossiers = await stack.sandbox.get<{ items: { code: string }[] }>(
    `/procedures/v1/dossiers?commune=${COMMUNE}&limit=2`,
  );
  variables = { commune: COMMUNE, dossier: dossiers.items[0]!.code };
  otherDossier = dossiers.items[1]!.code;
  // Two officers of the same office: same scopes and province, so the same visibility class; only `sub` differs.
  const officer = { scopes: ["dossier:read"], province: "40" };
  [alice, bob] = await Promise.all([
    stack.token({ ...officer, sub: "officer-alice" }),
    stack.token({ ...officer, sub: "officer-bob" }),
  ]);
}, 120_000);

afterAll(async () => {
  await recording?.stop();
  await stack?.stop();
});

beforeEach(async () => {
  await cached.purge();
  recording.clear();
});

it("answers a warm portal request with a PRIVATE part, from another officer, with only the fetch that carries the dossier", async () => {
  const warmUp = await cached.query(personalPortal, variables, alice);
  expect(warmUp.errors).toBeUndefined();
  expect(warmUp.data?.dossier?.history.length).toBeGreaterThan(0);
  expect(subgraphRequests().length).toBeGreaterThan(1);
  recording.clear();

  const warm = await cached.query(personalPortal, variables, bob);

  expect(warm).toMatchObject({ errors: undefined, data: warmUp.data });
  const requests = subgraphRequests();
  expect(requests).toHaveLength(1);
  expect(requests[0]!.body).toContain("dossier(");
  // The answer as a whole stays personal: nothing in front of the gateway may share it.
  expect(warm.headers.get("cache-control")).not.toMatch(/public/);
});

it("answers the checked-in portal (all PUBLIC) from the cache, and for another dossier with only its fetch", async () => {
  await cached.query(portal, variables, alice);
  recording.clear();

  await cached.query(portal, variables, bob);
  expect(subgraphRequests()).toEqual([]);

  const other = await cached.query(portal, { ...variables, dossier: otherDossier }, bob);

  expect(other.data?.dossier?.code).toBe(otherDossier);
  const requests = subgraphRequests();
  expect(requests).toHaveLength(1);
  expect(requests[0]!.body).toContain(otherDossier);
});

it("serves a PRIVATE fetch again to the caller it was made for, and never to another caller", async () => {
  await cached.query(personalPortal, variables, alice);
  recording.clear();

  const again = await cached.query(personalPortal, variables, alice);
  expect(subgraphRequests()).toEqual([]);

  const other = await cached.query(personalPortal, variables, bob);
  expect(subgraphRequests().map((request) => request.body.includes("history"))).toEqual([true]);
  expect(other.data).toEqual(again.data);
});

it("answers exactly as a gateway without the fetch cache does, cold and warm", async () => {
  for (const operation of [portal, personalPortal]) {
    const expected = await uncached.query(operation, variables, alice);
    expect(expected.errors).toBeUndefined();

    const cold = await cached.query(operation, variables, alice);
    const warm = await cached.query(operation, variables, bob);

    for (const answer of [cold, warm]) {
      expect({ data: answer.data, errors: answer.errors }).toEqual({
        data: expected.data,
        errors: expected.errors,
      });
      // A cached part gives its remaining lifetime, so only the seconds may differ.
      const [cacheControl, expectedControl] = [answer, expected].map((result) =>
        result.headers.get("cache-control")!.replace(/max-age=\d+/, "max-age=N"),
      );
      expect(cacheControl).toBe(expectedControl);
    }
  }
});

it("drops cached root-field fetches on a purge of one type, as it drops responses", async () => {
  await cached.query(portal, variables, alice);
  recording.clear();

  const purge = await fetch(`${cached.origin}/ops/purge`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${STACK_OPS_TOKEN}` },
    body: JSON.stringify({ type: "Commune", key: { code: COMMUNE } }),
  });
  expect(purge.status).toBe(200);
  await cached.query(portal, variables, alice);

  expect(recording.recorders.reporting.fetches.map((request) => request.operationName)).toEqual([
    expect.stringMatching(/^CommunePortal__reporting__/),
  ]);
});
