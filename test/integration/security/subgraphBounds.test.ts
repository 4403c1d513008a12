// Issue 10, items 5 and 6, over the real sandbox and the real subgraphs: a small request can make a subgraph do only
// a bounded amount of platform work, and one caller's bad id never fails the requests merged with it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBusinessSubgraph } from "../../../subgraphs/business/index.ts";
import { createProceduresSubgraph } from "../../../subgraphs/procedures/index.ts";
import { startTestSandbox, type TestSandbox } from "../../support/sandbox.ts";
import { startTestSubgraph, type TestSubgraph } from "../../support/subgraph.ts";

const CONTEXT_SECRET = "subgraph-bounds-suite-context-secret";

/** The forged cursor of the issue: position 1e9 of the listing's first page, base64url JSON. */
const ATTACK_CURSOR = Buffer.from(JSON.stringify([null, 1e9])).toString("base64url");
/** A cursor within the bounds (the end of a largest page) that still points past the page it names. */
const PAST_PAGE_CURSOR = Buffer.from(JSON.stringify([null, 500])).toString("base64url");

/** A hop in front of the procedures platform that writes down every request path and query. */
async function startPlatformRecorder(
  target: string,
): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer(async (request, response) => {
    seen.push(request.url ?? "");
    const answer = await fetch(`${target}${request.url}`);
    response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let sandbox: TestSandbox;
let business: TestSubgraph;
let procedures: TestSubgraph;
let recorder: Awaited<ReturnType<typeof startPlatformRecorder>>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  recorder = await startPlatformRecorder(`${sandbox.url}/procedures/v1`);
  const env = {
    PLATFORM_BASE_URL: sandbox.url,
    INTERNAL_CONTEXT_SECRET: CONTEXT_SECRET,
    UPSTREAM_TIMEOUT_MS: "20000",
    // Wide enough, and waited out (no early dispatch), that concurrent requests always share one platform call.
    PLATFORM_BATCH_WINDOW_MS: "50",
    PLATFORM_BATCH_EARLY_DISPATCH: "off",
  };
  business = await startTestSubgraph("business", createBusinessSubgraph, env);
  procedures = await startTestSubgraph("procedures", createProceduresSubgraph, {
    ...env,
    PROCEDURES_PLATFORM_URL: recorder.url,
  });
});

afterAll(async () => {
  await business?.stop();
  await procedures?.stop();
  recorder?.server.close();
  await sandbox?.stop();
});

beforeEach(async () => {
  await sandbox.resetStats();
  recorder.seen.length = 0;
});

async function platformRequests(endpoint: string): Promise<number> {
  return (await sandbox.stats()).byEndpoint[endpoint] ?? 0;
}

describe("item 5: a crafted cursor costs at most one platform page", () => {
  const ENTERPRISES = `query ($after: String) { enterprises(filter: { provinceCode: "01" }, first: 1, after: $after) {
    totalCount edges { node { code } } pageInfo { hasNextPage } } }`;
  const DOSSIERS = `query ($after: String) { dossiers(filter: { provinceCode: "01" }, first: 1, after: $after) {
    totalCount edges { node { code } } } }`;

  it("refuses the issue's cursor ([null, 1e9]) with BAD_USER_INPUT naming `after`, before any platform call", async () => {
    for (const [subgraph, query, endpoint, field] of [
      [business, ENTERPRISES, "GET /business/v1/enterprises", "enterprises"],
      [procedures, DOSSIERS, "GET /procedures/v1/dossiers", "dossiers"],
    ] as const) {
      const result = await subgraph.query(query, { after: ATTACK_CURSOR });
      expect(result.data?.[field] ?? null).toBeNull();
      expect(result.errors).toEqual([
        expect.objectContaining({
          message: "after: cursor position 1000000000 is outside 0..500",
          extensions: { code: "BAD_USER_INPUT" },
        }),
      ]);
      expect(await platformRequests(endpoint)).toBe(0);
    }
  });

  it("answers an in-range cursor pointing past its page with one platform page, never a walk", async () => {
    const result = await business.query(ENTERPRISES, { after: PAST_PAGE_CURSOR });
    expect(result.errors).toBeUndefined();
    expect(result.data?.enterprises.totalCount).toBeGreaterThan(10_000);
    expect(result.data?.enterprises.edges).toEqual([]);
    expect(await platformRequests("GET /business/v1/enterprises")).toBe(1);
  });

  it("pages an applicant's dossiers at the platform with `first` as the page size", async () => {
    const { items } = await sandbox.get<{ items: Array<{ applicant: { kind: string; id: string } }> }>(
      "/procedures/v1/dossiers?province=01&limit=1",
    );
    const applicant = items[0]!.applicant;
    const representation =
      applicant.kind === "CITIZEN"
        ? { __typename: "Citizen", id: applicant.id }
        : { __typename: "Enterprise", code: applicant.id };
    recorder.seen.length = 0;
    const result = await procedures.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        ... on Citizen { dossiers(first: 1) { totalCount edges { node { code } } } }
        ... on Enterprise { dossiers(first: 1) { totalCount edges { node { code } } } } } }`,
      { r: [representation] },
      { scopes: ["dossier:read"], province: "01" },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities[0].dossiers.edges).toHaveLength(1);
    expect(recorder.seen).toEqual([`/dossiers?applicant=${applicant.id}&province=01&limit=1`]);
  });
});

describe("item 6: a bad id in a merged batch leaves its neighbours' answers intact", () => {
  it("answers every neighbour of a code the platform would refuse, and refuses only that code", async () => {
    const { items } = await sandbox.get<{ items: Array<{ code: string; status: string }> }>(
      "/procedures/v1/dossiers?province=40&limit=3",
    );
    await sandbox.resetStats();
    const LOOKUP = "query ($code: ID!) { dossier(code: $code) { code status } }";
    // Passes the loose pattern the subgraph used to check, not the platform's rule (common/identifiers.ts).
    const culpritCode = "000.00.15.H40-250101-0001";
    const [culprit, ...neighbours] = await Promise.all([
      procedures.query(LOOKUP, { code: culpritCode }),
      ...items.map((dossier) => procedures.query(LOOKUP, { code: dossier.code })),
    ]);
    neighbours.forEach((neighbour, i) => {
      expect(neighbour.errors).toBeUndefined();
      expect(neighbour.data).toEqual({ dossier: { code: items[i]!.code, status: items[i]!.status } });
    });
    expect(culprit.errors).toEqual([
      expect.objectContaining({
        message: `code: '${culpritCode}' is not a dossier code like H40-251112-0007`,
        extensions: { code: "BAD_USER_INPUT" },
      }),
    ]);
    // The neighbours still shared one platform call.
    expect(await platformRequests("GET /procedures/v1/dossiers")).toBe(1);
  });
});
