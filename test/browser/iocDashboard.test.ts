// The reference IOC dashboard (/ioc/) in Debian's Chromium over the whole real stack: what an IOC operator sees for
// Nghệ An, how the page asks (persisted GETs), and what it shows while the population platform is down.
import { createHash } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumForTests,
  launchBrowser,
  offMachineRequests,
  type RecordedPage,
  screenshot,
  type TestBrowser,
} from "../support/browser.ts";
import { readOperation, type Stack, startStack } from "../support/stack.ts";

const chromium = chromiumForTests("IOC dashboard");

/** The province field each headline panel reads, as the issue lists them. */
const PANEL_FIELDS = {
  population: "populationStats",
  enterprises: "enterpriseStats",
  dossiers: "dossierStats",
  resolution57: "resolution57",
  plan02: "plan02",
} as const;

const HEADLINE_FIGURES = [
  "dossiers.onTimeRate",
  "dossiers.onlineRate",
  "dossiers.overdue",
  "dossiers.received",
  "dossiers.resolved",
  "enterprises.active",
  "enterprises.registeredThisYear",
  "enterprises.total",
  "plan02.assigned",
  "plan02.completed",
  "plan02.completionRate",
  "plan02.inProgress",
  "population.female",
  "population.households",
  "population.male",
  "population.total",
  "resolution57.assigned",
  "resolution57.completed",
  "resolution57.completionRate",
  "resolution57.overdue",
];

type Province = Record<string, unknown> & { communes: Commune[] };
type Commune = { code: string; name: string; populationStats: { total: number } | null };

/** "3.217.898" → 3217898, "93,16 %" → 93.16 (Vietnamese separators); "—" → null. */
const numberOf = (text: string) =>
  text === "—" ? null : Number(text.replace(/\./g, "").replace(",", ".").replace(/\s*%$/, ""));

async function shownFigures(page: Page): Promise<Record<string, number | null>> {
  const texts = await page.$$eval("[data-figure]", (elements) =>
    elements.map((element) => [(element as HTMLElement).dataset.figure!, element.textContent ?? ""]),
  );
  return Object.fromEntries(texts.map(([key, text]) => [key, numberOf(text!)]));
}

function answeredFigures(province: Province): Record<string, unknown> {
  return Object.fromEntries(
    HEADLINE_FIGURES.map((key) => {
      const [panel, name] = key.split(".") as [keyof typeof PANEL_FIELDS, string];
      return [key, (province[PANEL_FIELDS[panel]] as Record<string, unknown>)[name]];
    }),
  );
}

const panelStates = (page: Page) =>
  page.$$eval("[data-panel]", (panels) =>
    Object.fromEntries(
      panels.map((panel) => [
        (panel as HTMLElement).dataset.panel!,
        {
          state: (panel as HTMLElement).dataset.state,
          note: panel.querySelector(".note")?.textContent ?? "",
        },
      ]),
    ),
  );

const rowCodes = (page: Page) =>
  page.$$eval("#communes tbody tr", (rows) => rows.map((row) => (row as HTMLElement).dataset.code));

describe.skipIf(!chromium)("IOC dashboard at /ioc/", () => {
  let stack: Stack;
  let browser: TestBrowser;
  let answer: Province;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser(chromium);
    const result = await stack.gateway.query(await readOperation("ProvinceDashboard"), { code: "40" });
    expect(result.errors).toBeUndefined();
    answer = (result.data as { province: Province }).province;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** `prepare` runs before the page loads (e.g. to stand in for the gateway's answers). */
  async function openDashboard(
    prepare?: (page: Page) => Promise<unknown>,
  ): Promise<RecordedPage & { graphql: string[] }> {
    const recorded = await browser.newPage({ width: 1280, height: 900 });
    await prepare?.(recorded.page);
    const graphql: string[] = [];
    recorded.page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/graphql") graphql.push(`${request.method()} ${url.search}`);
    });
    // refresh=1: a new answer every second, so the test sees several refreshes quickly.
    await recorded.page.goto(`${stack.gateway.origin}/ioc?refresh=1`);
    await recorded.page.waitForFunction(
      () => document.querySelectorAll("#communes tbody tr").length > 0,
      null,
      { timeout: 60_000 },
    );
    return { ...recorded, graphql };
  }

  it("shows Nghệ An's 130 communes and the headline figures of the GraphQL answer, asked by persisted GETs", async () => {
    const { page, requests, errors, graphql } = await openDashboard();

    expect(await page.$eval("#province", (select) => (select as HTMLSelectElement).options.length)).toBe(34);
    expect(await page.textContent("#province-name")).toBe("Nghệ An");
    expect(await rowCodes(page)).toEqual(answer.communes.map((commune) => commune.code));
    expect(await shownFigures(page)).toEqual(answeredFigures(answer));
    expect(Object.values(await panelStates(page)).every(({ state }) => state === "fresh")).toBe(true);

    // Sorting by population puts the most populous commune first, then the least populous.
    const byPopulation = answer.communes.toSorted(
      (a, b) => b.populationStats!.total - a.populationStats!.total,
    );
    await page.click('th[data-column="population"] button');
    expect((await rowCodes(page))[0]).toBe(byPopulation[0]!.code);
    await page.click('th[data-column="population"] button');
    expect((await rowCodes(page))[0]).toBe(byPopulation.at(-1)!.code);

    // Later answers come from the gateway's response cache, and the page says so.
    await page.waitForFunction(
      () => document.querySelector("#answer-status")?.textContent?.includes("x-cache: HIT"),
      null,
      { timeout: 15_000 },
    );
    const sha256Hash = createHash("sha256")
      .update(await readOperation("ProvinceDashboard"))
      .digest("hex");
    const hash = JSON.stringify({ persistedQuery: { version: 1, sha256Hash } });
    const persistedGet = `GET ?${new URLSearchParams({
      operationName: "ProvinceDashboard",
      variables: JSON.stringify({ code: "40" }),
      extensions: hash,
    })}`;
    // The gateway did not know the hash: one POST taught it the text, every other request was the same GET.
    expect(graphql.filter((request) => request.startsWith("POST"))).toHaveLength(1);
    expect(graphql.filter((request) => request !== persistedGet && !request.startsWith("POST"))).toEqual([]);
    expect(graphql.length).toBeGreaterThanOrEqual(3);

    expect(offMachineRequests(requests)).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, "ioc-dashboard-nghe-an");
  }, 120_000);

  it("switching to Hà Nội shows its communes and puts the province in the URL", async () => {
    const { page, errors } = await openDashboard();
    const hanoi = await stack.gateway.query('{ province(code: "01") { communes { code } } }');
    const codes = (hanoi.data as { province: { communes: { code: string }[] } }).province.communes;

    await page.selectOption("#province", "01");
    await page.waitForFunction(
      () => document.querySelector("#province-name")?.textContent === "Hà Nội",
      null,
      {
        timeout: 60_000,
      },
    );
    await page.waitForFunction(
      (count) => document.querySelectorAll("#communes tbody tr").length === count,
      codes.length,
    );
    expect(await rowCodes(page)).toEqual(codes.map((commune) => commune.code));
    expect(new URL(page.url()).searchParams.get("province")).toBe("01");
    expect(errors).toEqual([]);
  }, 120_000);

  it("with the population platform down: population panels say unavailable, the others keep their figures", async () => {
    const { page, errors } = await openDashboard();
    const before = await shownFigures(page);

    await stack.sandbox.setFaults({ outage: { population: true } });
    try {
      // No cache may answer in the platform's place.
      await stack.gateway.purge();
      await stack.flushRecordCaches();
      await page.waitForFunction(
        () =>
          document.querySelector<HTMLElement>('[data-panel="population"]')?.dataset.state === "unavailable",
        null,
        { timeout: 30_000 },
      );

      const states = await panelStates(page);
      expect(states.population).toEqual({ state: "unavailable", note: "Population database unavailable" });
      for (const panel of ["enterprises", "dossiers", "resolution57", "plan02", "chart", "communes"]) {
        expect(states[panel]?.state, panel).not.toBe("unavailable");
      }
      expect(await page.textContent("#banner")).toContain("Population database (population) is unavailable.");

      const during = await shownFigures(page);
      for (const key of HEADLINE_FIGURES) {
        expect(during[key], key).toBe(key.startsWith("population.") ? null : before[key]);
      }
      expect(await rowCodes(page)).toHaveLength(130);
      expect(
        await page.$eval('th[data-column="population"]', (th) => (th as HTMLElement).dataset.state),
      ).toBe("unavailable");
      expect(
        await page.$$eval("#communes tbody tr", (rows) =>
          rows.every((row) => (row as HTMLTableRowElement).cells[2]?.textContent === "—"),
        ),
      ).toBe(true);
      await screenshot(page, "ioc-dashboard-population-down");
    } finally {
      await stack.sandbox.setFaults({ outage: { population: false } });
    }
    expect(errors).toEqual([]);
  }, 120_000);

  it("with the contract's nullable statistics: only the population figures go, the rest is this answer's", async () => {
    // What SCHEMA.md ("Failure isolation") promises for the same outage, which the checked-in supergraph (non-null
    // statistics) cannot answer yet: null population statistics, an error with their path, everything else.
    const withoutPopulation = {
      data: {
        province: {
          ...answer,
          populationStats: null,
          communes: answer.communes.map((commune) => ({ ...commune, populationStats: null })),
        },
      },
      errors: [
        {
          message: "population platform unavailable: answered HTTP 503",
          path: ["province", "populationStats"],
          extensions: { code: "UPSTREAM_UNAVAILABLE", platform: "population" },
        },
      ],
    };
    const { page, errors } = await openDashboard((page) =>
      page.route(
        (url) => url.pathname === "/graphql",
        (route) =>
          route.fulfill({
            contentType: "application/json",
            headers: { "x-cache": "MISS", "cache-control": "no-store" },
            body: JSON.stringify(withoutPopulation),
          }),
      ),
    );

    const states = await panelStates(page);
    expect(states.population).toEqual({ state: "unavailable", note: "Population database unavailable" });
    for (const panel of ["enterprises", "dossiers", "resolution57", "plan02", "chart", "communes"]) {
      expect(states[panel], panel).toEqual({ state: "fresh", note: "" });
    }
    expect(await page.textContent("#banner")).toBe("Population database (population) is unavailable.");
    const figures = await shownFigures(page);
    const answered = answeredFigures(answer);
    for (const key of HEADLINE_FIGURES) {
      expect(figures[key], key).toBe(key.startsWith("population.") ? null : answered[key]);
    }
    expect(await rowCodes(page)).toHaveLength(130);
    expect(errors).toEqual([]);
    await screenshot(page, "ioc-dashboard-population-null");
  }, 60_000);
});
