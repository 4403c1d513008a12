import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isDossierCode } from "../../../common/identifiers.ts";
import { createProceduresSubgraph } from "../../../subgraphs/procedures/index.ts";
import { PLATFORM_BASE_URL, type RunningSubgraph, startSubgraph } from "../reporting/subgraphHarness.ts";
import { DOSSIERS, proceduresHandlers } from "./proceduresPlatform.mock.ts";

// Issue 10, item 6: the cross-request batcher merges the ids of concurrent requests into one platform call. A caller's
// bad id must never fail its neighbours: ids are checked with the platform's own rule before they are merged, and a
// merged call the platform still refuses is asked again per request.

/** Well-formed for common/identifiers.ts, yet refused by this platform (as a platform with a stricter rule would). */
const REFUSED_BY_PLATFORM = "H40-251101-9999";

const msw = setupServer(
  http.get(`${PLATFORM_BASE_URL}/procedures/v1/dossiers`, ({ request }) => {
    const ids = new URL(request.url).searchParams.get("ids")?.split(",") ?? [];
    const bad = ids.find((id) => !isDossierCode(id) || id === REFUSED_BY_PLATFORM);
    if (bad === undefined) return HttpResponse.json({ items: DOSSIERS.filter((d) => ids.includes(d.code)) });
    return HttpResponse.json(
      {
        type: "about:blank",
        title: "Bad Request",
        status: 400,
        detail: `ids: '${bad}' is not a dossier code`,
      },
      { status: 400, headers: { "content-type": "application/problem+json" } },
    );
  }),
  ...proceduresHandlers,
);
let subgraph: RunningSubgraph;

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  // A wide window, waited out even when every open request already waits on the platform (no early dispatch), so
  // that the requests below always share one platform call.
  subgraph = await startSubgraph("procedures", createProceduresSubgraph, msw, {
    INTERNAL_CONTEXT_SECRET: "unit-test-internal-context-secret",
    PLATFORM_BATCH_WINDOW_MS: "50",
    PLATFORM_BATCH_EARLY_DISPATCH: "off",
  });
});

afterAll(async () => {
  await subgraph.stop();
  msw.close();
});

beforeEach(() => subgraph.resetPlatformRequests());

const lookUp = (code: string) =>
  subgraph.query("query ($code: ID!) { dossier(code: $code) { code status } }", { code });

describe("one caller's bad dossier code never fails its neighbours", () => {
  it("refuses a code outside the platform's rule at the argument, before it joins anybody's batch", async () => {
    const [neighbour, culprit] = await Promise.all([
      lookUp("H40-251101-0001"),
      lookUp("000.00.15.H40-250101-0001"),
    ]);
    expect(neighbour.body).toEqual({ data: { dossier: { code: "H40-251101-0001", status: "PROCESSING" } } });
    expect(culprit.body.errors).toEqual([
      expect.objectContaining({
        message: "code: '000.00.15.H40-250101-0001' is not a dossier code like H40-251112-0007",
        extensions: { code: "BAD_USER_INPUT" },
      }),
    ]);
    expect(subgraph.platformRequests()).toEqual(["GET /procedures/v1/dossiers?ids=H40-251101-0001"]);
  });

  it("asks a merged call the platform refuses again per request, so only the culprit gets the refusal", async () => {
    const [neighbour, culprit, another] = await Promise.all([
      lookUp("H40-251101-0002"),
      lookUp(REFUSED_BY_PLATFORM),
      lookUp("H01-251101-0001"),
    ]);
    expect(neighbour.body).toEqual({ data: { dossier: { code: "H40-251101-0002", status: "PROCESSING" } } });
    expect(another.body).toEqual({ data: { dossier: { code: "H01-251101-0001", status: "PROCESSING" } } });
    expect(culprit.body.data).toEqual({ dossier: null });
    expect(culprit.body.errors).toEqual([
      expect.objectContaining({
        message: "the procedures platform refused the request's arguments",
        extensions: { code: "BAD_USER_INPUT" },
      }),
    ]);
    const requests = subgraph.platformRequests();
    // One merged call, then one call per request.
    expect(requests).toHaveLength(4);
    expect(requests[0]?.split("ids=")[1]?.split(",").sort()).toEqual(
      ["H01-251101-0001", "H40-251101-0002", REFUSED_BY_PLATFORM].sort(),
    );
  });
});
