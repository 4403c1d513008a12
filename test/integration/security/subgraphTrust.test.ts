// What a subgraph accepts from its network: only the gateway's context for this subgraph, this body and this
// moment; and what it serves to a valid context: only what that caller's scopes allow. Real sandbox, subgraphs,
// gateways and Redis (test/support/stack.ts); the production refusal on a real subgraph process.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLER_CONTEXT_HEADER, deriveContextKey, signCallerContext } from "../../../common/signedContext.ts";
import { STACK_CONTEXT_SECRET, type Stack, type StackGateway, startStack } from "../../support/stack.ts";
import {
  type RecordedFetch,
  type SubgraphRecorder,
  startSubgraphRecorder,
} from "../../support/subgraphRecorder.ts";

interface PlatformCitizen {
  id: string;
  fullName: string;
  dateOfBirth: string;
}
interface Listing<T> {
  items: T[];
}

const ROOT = new URL("../../../", import.meta.url).pathname;
const CITIZEN = "query Person($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }";

/** Runs a subgraph the way `npm start` and docker do, with exactly `env`, for at most `ms`. */
function runSubgraphProcess(env: Record<string, string>, ms: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "subgraphs/population/index.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", POPULATION_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGTERM"), ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("a subgraph in production", () => {
  it("refuses to start without its context key, naming the variable", async () => {
    const { code, stderr } = await runSubgraphProcess({ NODE_ENV: "production" }, 20_000);
    expect(code).toBe(1);
    expect(stderr).toContain("INTERNAL_CONTEXT_KEY: required when NODE_ENV=production");
  });

  it("refuses the gateway's secret, which would let it sign for every other subgraph", async () => {
    const { code, stderr } = await runSubgraphProcess(
      { NODE_ENV: "production", INTERNAL_CONTEXT_SECRET: STACK_CONTEXT_SECRET },
      20_000,
    );
    expect(code).toBe(1);
    expect(stderr).toContain("INTERNAL_CONTEXT_SECRET: not accepted when NODE_ENV=production");
  });
});

describe("the subgraphs trust only the gateway's context for the request at hand", () => {
  let stack: Stack;
  let recorder: SubgraphRecorder;
  let tapped: StackGateway;
  let citizens: PlatformCitizen[];
  /** A request the gateway sent to population, as seen on the wire. */
  let captured: RecordedFetch;

  beforeAll(async () => {
    stack = await startStack();
    const communes = await stack.sandbox.get<Listing<{ code: string }>>(
      "/reporting/v1/communes?provinces=40",
    );
    const listing = await stack.sandbox.get<Listing<PlatformCitizen>>(
      `/population/v1/citizens?commune=${communes.items[0]!.code}&limit=2`,
    );
    citizens = listing.items;
    recorder = await startSubgraphRecorder(stack.subgraphs.population.url);
    tapped = await stack.startGateway({ SUBGRAPH_URL_POPULATION: recorder.url });
  });

  afterAll(async () => {
    await recorder?.stop();
    await stack?.stop();
  });

  it("serves a normal request through the whole stack", async () => {
    const token = await stack.token({ scopes: ["population:read"] });
    const result = await tapped.query(CITIZEN, { id: citizens[0]!.id }, token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.citizen).toEqual({
      fullName: citizens[0]!.fullName,
      dateOfBirth: citizens[0]!.dateOfBirth,
    });
    captured = recorder.fetches.at(-1)!;
    expect(captured.headers[CALLER_CONTEXT_HEADER]).toBeTruthy();
  });

  /** Sends `body` to a subgraph with the context header captured from the gateway's request to population. */
  async function replay(url: string, body: string) {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [CALLER_CONTEXT_HEADER]: captured.headers[CALLER_CONTEXT_HEADER]!,
      },
      body,
    });
    return { status: response.status, text: await response.text() };
  }

  it("refuses the captured header with another query", async () => {
    const other = citizens[1]!;
    const body = captured.body.toString("utf8").replace(citizens[0]!.id, other.id);
    expect(body).toContain(other.id);
    const { status, text } = await replay(stack.subgraphs.population.url, body);
    expect(status).toBe(403);
    expect(text).not.toContain(other.fullName);
  });

  it("refuses the captured header at another subgraph", async () => {
    const body = JSON.stringify({
      query: '{ enterprises(filter: { provinceCode: "40" }, first: 1) { edges { node { code } } } }',
    });
    expect((await replay(stack.subgraphs.business.url, captured.body.toString("utf8"))).status).toBe(403);
    expect((await replay(stack.subgraphs.business.url, body)).status).toBe(403);
  });

  it("refuses a context once it has expired", async () => {
    const body = JSON.stringify({ query: CITIZEN, variables: { id: citizens[0]!.id } });
    const stale = signCallerContext(
      { sub: "officer", scopes: ["population:read"], province: null, commune: null },
      { audience: "population", requestId: "old", body },
      deriveContextKey(STACK_CONTEXT_SECRET, "population"),
      Date.now() - 60_000,
    );
    const response = await fetch(stack.subgraphs.population.url, {
      method: "POST",
      headers: { "content-type": "application/json", [CALLER_CONTEXT_HEADER]: stale },
      body,
    });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(citizens[0]!.fullName);
  });

  it("re-checks population:read itself for a valid context of a caller without it", async () => {
    const id = citizens[0]!.id;
    const unscoped = await stack.subgraphs.population.query(CITIZEN, { id }, { scopes: ["dossier:read"] });
    expect(unscoped.data?.citizen).toBeNull();
    expect(unscoped.errors?.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([
      ["citizen", "UNAUTHORIZED"],
    ]);
    expect(JSON.stringify(unscoped)).not.toContain(citizens[0]!.fullName);
    const entities = await stack.subgraphs.population.query(
      "query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { fullName } } }",
      { r: [{ __typename: "Citizen", id }] },
      { scopes: [] },
    );
    expect(entities.data?._entities).toEqual([null]);
    expect(entities.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED");
    const reader = await stack.subgraphs.population.query(CITIZEN, { id }, { scopes: ["population:read"] });
    expect(reader.data?.citizen?.fullName).toBe(citizens[0]!.fullName);
  });

  it("tells a client nothing about why a subgraph refused the gateway's context", async () => {
    const misconfigured = await stack.startGateway({
      INTERNAL_CONTEXT_SECRET: "not-the-secret-the-subgraphs-hold",
    });
    const token = await stack.token({ scopes: ["population:read"] });
    const result = await misconfigured.query(CITIZEN, { id: citizens[0]!.id }, token);
    expect(result.data?.citizen ?? null).toBeNull();
    // Masked as the gateway's own failure, whichever it reports: never the subgraph's refusal or its reason.
    const codes = result.errors?.map((e) => e.extensions?.code) ?? [];
    expect(codes).toHaveLength(1);
    expect(["SUBGRAPH_UNAVAILABLE", "INTERNAL_SERVER_ERROR"]).toContain(codes[0]);
    const text = JSON.stringify(result);
    for (const leak of [/signature/i, /caller context/i, /expired/i, /CALLER_CONTEXT_REJECTED/]) {
      expect(text).not.toMatch(leak);
    }
  });
});
