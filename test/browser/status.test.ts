// The ops status page as an operator without Grafana uses it: the ops listener's /status in Chromium, redrawing
// itself from the gateway's own metrics while a subgraph goes down under traffic.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumForTests,
  launchBrowser,
  offMachineRequests,
  screenshot,
  type TestBrowser,
} from "../support/browser.ts";
import { STACK_OPS_TOKEN, type Stack, startStack } from "../support/stack.ts";

const chromium = chromiumForTests("status page browser test");
/** The page polls every 5 s; a change must show within two polls and some slack. */
const REDRAW_TIMEOUT_MS = 15_000;

const ENTERPRISE = `query Enterprise($code: ID!) { enterprise(code: $code) { code name } }`;

describe.skipIf(!chromium)("the status page in Chromium", () => {
  let stack: Stack;
  let browser: TestBrowser;

  beforeAll(async () => {
    // Breaker as in production (opens after 5 consecutive failures); no cache may answer for the stopped subgraph.
    [stack, browser] = await Promise.all([
      startStack({ gatewayEnv: { RESPONSE_CACHE: "off", ENTITY_CACHE: "off" } }),
      launchBrowser(chromium),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows four healthy subgraphs, then business with an open breaker once it is stopped", async () => {
    const { page, requests, errors } = await browser.newPage({ width: 1200, height: 900 });
    const { items } = await stack.sandbox.get<{ items: { code: string }[] }>(
      "/business/v1/enterprises?province=40&limit=1",
    );
    const enterprise = items[0]!.code;
    expect((await stack.gateway.query(ENTERPRISE, { code: enterprise })).errors).toBeUndefined();

    await page.goto(`${stack.gateway.opsOrigin}/status`);
    const rows = page.locator("tr[data-subgraph]");
    // The first draw waits on /ready's checks (up to 1 s each) as well as the page load.
    await expect.poll(() => rows.count(), { timeout: REDRAW_TIMEOUT_MS }).toBe(4);
    const states = () =>
      rows.evaluateAll((trs) =>
        Object.fromEntries(
          trs.map((tr) => [tr.getAttribute("data-subgraph"), `${tr.dataset.health}/${tr.dataset.breaker}`]),
        ),
      );
    expect(await states()).toEqual({
      population: "ok/closed",
      business: "ok/closed",
      procedures: "ok/closed",
      reporting: "ok/closed",
    });
    // One check of a loaded machine can time out (Redis ping, a /health): the next redraw must then say ready. The
    // reasons the page gives (#updated) come along, so a failure says which check failed.
    const overall = async () =>
      `${await page.locator("#overall").textContent()} (${await page.locator("#updated").textContent()})`;
    await expect.poll(overall, { timeout: REDRAW_TIMEOUT_MS, interval: 500 }).toMatch(/^ready /);
    expect(await page.locator("#redis").textContent()).toBe("ok");
    expect(await page.locator("#supergraph").textContent()).toMatch(/^Supergraph [0-9a-f]{12}, loaded /);
    console.info(`screenshot: ${await screenshot(page, "status-healthy")}`);

    await stack.stopSubgraph("business");
    for (let i = 0; i < 6; i++) await stack.gateway.query(ENTERPRISE, { code: enterprise });

    await expect.poll(states, { timeout: REDRAW_TIMEOUT_MS, interval: 500 }).toEqual({
      population: "ok/closed",
      business: expect.stringMatching(/^(?!ok\/).+\/open$/),
      procedures: "ok/closed",
      reporting: "ok/closed",
    });
    expect(await page.locator("#overall").textContent()).toBe("degraded");
    console.info(`screenshot: ${await screenshot(page, "status-business-breaker-open")}`);

    expect(offMachineRequests(requests)).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);

  it("on the public port, shows nothing until the ops token is given", async () => {
    const { page } = await browser.newPage();
    await page.goto(`${stack.gateway.origin}/status`);
    const form = page.locator("#token");
    await form.waitFor();
    expect(await page.locator("#report").isHidden()).toBe(true);
    await form.locator("input").fill(STACK_OPS_TOKEN);
    await form.locator("button").click();
    await expect
      .poll(() => page.locator("tr[data-subgraph]").count(), { timeout: REDRAW_TIMEOUT_MS })
      .toBe(4);
  });
});
