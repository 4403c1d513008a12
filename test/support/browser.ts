// The one way tests drive a real browser: Debian's Chromium (never a downloaded one) through playwright-core. Each
// page gets its own browser context, so no cookie, storage or cache leaks between tests, and every request the page
// or its workers make is recorded, so a test can prove that nothing left the machine.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

const CANDIDATE_PATHS = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** Quiet and offline: no update checks, sync, field trials or QUIC probes that would reach the internet. */
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export const SCREENSHOT_DIR = new URL("../../test-output/screenshots/", import.meta.url).pathname;

/** The Chromium executable (`CHROMIUM_PATH` first), or null when none is installed. */
export function chromiumPath(): string | null {
  return CANDIDATE_PATHS.find((path): path is string => Boolean(path) && existsSync(path as string)) ?? null;
}

/**
 * The Chromium to test with, or null (after saying why) so the suite can `describe.skipIf(!path)`. In CI (`CI` set)
 * a missing Chromium is a failure, not a skip: `.ci/run` installs it, so its absence there is a broken setup.
 */
export function chromiumForTests(suite: string): string | null {
  const path = chromiumPath();
  if (path) return path;
  const message = `${suite}: no Chromium (install Debian's chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(message);
  console.warn(`${message}; skipping the browser tests`);
  return null;
}

export interface RecordedPage {
  page: Page;
  /** Every URL the page and its workers requested, in order. */
  requests: string[];
  /** Uncaught page errors and `console.error` lines, for a failing test's message. */
  errors: string[];
}

export interface TestBrowser {
  /** A page in a fresh browser context (default viewport 1280×800). */
  newPage(options?: { width?: number; height?: number }): Promise<RecordedPage>;
  close(): Promise<void>;
}

/** Starts headless Chromium; playwright gives each launch a fresh temporary profile (user-data-dir). */
export async function launchBrowser(executablePath = chromiumPath()): Promise<TestBrowser> {
  if (!executablePath) throw new Error("no Chromium to launch (see chromiumForTests)");
  const browser: Browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  return {
    async newPage({ width = 1280, height = 800 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, serviceWorkers: "block" });
      const requests: string[] = [];
      const errors: string[] = [];
      context.on("request", (request) => requests.push(request.url()));
      const page = await context.newPage();
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (line) => {
        if (line.type() === "error") errors.push(line.text());
      });
      return { page, requests, errors };
    },
    close: () => browser.close(),
  };
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The requests that went (or tried to go) anywhere but this machine; `data:` and `blob:` URLs never leave it. */
export function offMachineRequests(requests: string[]): string[] {
  return requests.filter((url) => {
    const { protocol, hostname } = new URL(url);
    if (protocol === "data:" || protocol === "blob:") return false;
    return !LOCAL_HOSTS.has(hostname);
  });
}

/** Saves a full-page PNG as `test-output/screenshots/<name>.png` (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
