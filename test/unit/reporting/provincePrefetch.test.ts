import { delay, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createReportingSubgraph } from "../../../subgraphs/reporting/index.ts";
import { reportingHandlers } from "./reportingPlatform.mock.ts";
import { PLATFORM_BASE_URL, type RunningSubgraph, startSubgraph } from "./subgraphHarness.ts";

// A province's communes, task progress and deployments need only the code the query names: they must go out with
// the province lookup, not after it. Each platform call here takes PLATFORM_DELAY_MS, long enough that a call
// started only after another was answered cannot be mistaken for one running beside it.

const PLATFORM_DELAY_MS = 40;

interface Timed {
  path: string;
  startMs: number;
  endMs: number;
}

let calls: Timed[] = [];
const slowPlatform = http.get(`${PLATFORM_BASE_URL}/*`, async ({ request }) => {
  const call = { path: new URL(request.url).pathname, startMs: performance.now(), endMs: Number.NaN };
  calls.push(call);
  await delay(PLATFORM_DELAY_MS);
  call.endMs = performance.now();
  // Nothing returned: the mock platform's own handler answers.
});

const msw = setupServer(slowPlatform, ...reportingHandlers);
let subgraph: RunningSubgraph;

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  subgraph = await startSubgraph("reporting", createReportingSubgraph, msw);
});

afterAll(async () => {
  await subgraph.stop();
  msw.close();
});

beforeEach(() => {
  calls = [];
});

const DASHBOARD = /* GraphQL */ `
  query ($code: ID!) {
    province(code: $code) {
      name
      ...progress
      platformDeployments { platform }
      communes { code }
    }
  }
  fragment progress on Province {
    resolution57: taskProgress(program: RESOLUTION_57) { assigned }
    plan02: taskProgress(program: PLAN_02) { assigned }
  }
`;

describe("reporting subgraph: a province's own fields start with its lookup", () => {
  it("runs the province lookup and its communes, task progress and deployments side by side, one call each", async () => {
    const answer = await subgraph.query(DASHBOARD, { code: "40" });
    expect(answer.body.errors).toBeUndefined();
    const province = answer.body.data?.province as { name: string; communes: unknown[] };
    expect(province.name).toBe("Nghệ An");
    expect(province.communes).toHaveLength(130);

    expect(calls.map((call) => call.path).sort()).toEqual([
      "/reporting/v1/communes",
      "/reporting/v1/platform-deployments",
      "/reporting/v1/provinces",
      "/reporting/v1/task-progress",
    ]);
    const lookup = calls.find((call) => call.path === "/reporting/v1/provinces")!;
    for (const call of calls) expect(call.startMs, call.path).toBeLessThan(lookup.endMs);
  });

  it("sends the communes call first: the longest answer, and the keys the plan's next fetches wait for", async () => {
    // Another province than the other tests', whose records are in the record cache by then.
    const answer = await subgraph.query(DASHBOARD, { code: "48" });
    expect(answer.body.errors).toBeUndefined();
    expect(calls[0]?.path).toBe("/reporting/v1/communes");
    expect(calls.at(-1)?.path).toBe("/reporting/v1/provinces");
  });

  it("loads only the fields the query selects", async () => {
    // Another province than the first test's, whose records are in the record cache now.
    const answer = await subgraph.query(`query ($code: ID!) { province(code: $code) { name } }`, {
      code: "01",
    });
    expect(answer.body.data?.province).toEqual({ name: "Hà Nội" });
    expect(calls.map((call) => call.path)).toEqual(["/reporting/v1/provinces"]);
  });
});
