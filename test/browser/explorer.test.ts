// The explorer as a developer meets it: Chromium opens the gateway's `/`, everything the page needs comes from the
// gateway itself, the example operations are tabs, and running them shows real answers from the whole stack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumForTests,
  launchBrowser,
  offMachineRequests,
  type RecordedPage,
  screenshot,
  type TestBrowser,
} from "../support/browser.ts";
import { type Stack, startStack } from "../support/stack.ts";

const chromium = chromiumForTests("explorer browser test");
/** The first visit bundles GraphiQL and Monaco (seconds on a busy 2-core machine). */
const PAGE_TIMEOUT_MS = 60_000;

const isGraphQLPost =
  (operation: string) =>
  (response: { url(): string; request(): { method(): string; postData(): string | null } }) =>
    response.url().endsWith("/graphql") &&
    response.request().method() === "POST" &&
    (response.request().postData() ?? "").includes(`"operationName":"${operation}"`);

/** The result pane as a reader sees it (Monaco draws spaces as no-break spaces). */
const resultText = async (page: RecordedPage["page"]) =>
  ((await page.locator(".result-window").textContent()) ?? "").replace(/\u00a0/g, " ");

describe.skipIf(!chromium)("the explorer in Chromium", () => {
  let stack: Stack;
  let browser: TestBrowser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser(chromium)]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function openExplorer(): Promise<RecordedPage> {
    const recorded = await browser.newPage({ width: 1440, height: 900 });
    await recorded.page.goto(`${stack.gateway.origin}/`, { timeout: PAGE_TIMEOUT_MS });
    await recorded.page
      .locator(".graphiql-query-editor .monaco-editor")
      .waitFor({ timeout: PAGE_TIMEOUT_MS });
    return recorded;
  }

  it(
    "loads with no request leaving 127.0.0.1, runs ProvinceDashboard and shows Nghệ An's 130 communes",
    async () => {
      const { page, requests, errors } = await openExplorer();
      const tabs = page.locator(".graphiql-tab");
      await expect
        .poll(() => tabs.allInnerTexts(), { timeout: PAGE_TIMEOUT_MS })
        .toEqual(["ProvinceDashboard", "CommunePortal", "NationalOverview", "CitizenProfile"]);

      const answer = page.waitForResponse(isGraphQLPost("ProvinceDashboard"), { timeout: PAGE_TIMEOUT_MS });
      await page.locator(".graphiql-execute-button").click();
      const body = await (await answer).json();
      expect(body.errors).toBeUndefined();
      expect(body.data.province).toMatchObject({ code: "40", name: "Nghệ An", communeCount: 130 });
      expect(body.data.province.communes).toHaveLength(130);

      await expect.poll(() => resultText(page), { timeout: 10_000 }).toContain('"name": "Nghệ An"');
      expect(await resultText(page)).toContain('"communeCount": 130');
      const path = await screenshot(page, "explorer-province-dashboard");
      console.info(`screenshot: ${path}`);

      expect(requests.length).toBeGreaterThan(5);
      expect(offMachineRequests(requests)).toEqual([]);
      // Monaco's workers came from the gateway too, and the page threw nothing.
      expect(requests.filter((url) => url.endsWith(".worker.js")).length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    },
    3 * PAGE_TIMEOUT_MS,
  );

  it(
    "mints a development token into CitizenProfile's headers, and the profile comes back",
    async () => {
      const { page, requests } = await openExplorer();
      await page.locator(".graphiql-tab", { hasText: "CitizenProfile" }).click();
      await page.getByRole("button", { name: "Show Development token" }).click();
      await page.getByRole("button", { name: "Mint token into headers" }).click();
      await expect
        .poll(() => page.getByRole("status").textContent(), { timeout: PAGE_TIMEOUT_MS })
        .toBe("The token is in the headers editor of this tab.");

      const answer = page.waitForResponse(isGraphQLPost("CitizenProfile"), { timeout: PAGE_TIMEOUT_MS });
      await page.locator(".graphiql-execute-button").click();
      const response = await answer;
      expect(response.request().headers().authorization).toMatch(/^Bearer ey/);
      const body = await response.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.citizen.maskedId).toMatch(/^040\*+807$/);
      await expect
        .poll(() => resultText(page), { timeout: 10_000 })
        .toContain(`"fullName": "${body.data.citizen.fullName}"`);
      console.info(`screenshot: ${await screenshot(page, "explorer-citizen-profile-with-token")}`);
      expect(offMachineRequests(requests)).toEqual([]);
    },
    3 * PAGE_TIMEOUT_MS,
  );
});
