import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join } from "node:path";
import type { HttpRoute } from "../http/routes.ts";

export const IOC_PATH = "/ioc";

const PAGE_DIR = new URL("../../examples/ioc-dashboard/", import.meta.url).pathname;
const require = createRequire(import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/**
 * The reference IOC dashboard (examples/ioc-dashboard/) at /ioc/, for development: its files, the charting library
 * from node_modules (no CDN), and the safelist's operations manifest, where the page finds ProvinceDashboard's text
 * and hash. Files are read on every request, so an IOC team editing the example sees its change on reload.
 */
export function createIocDashboardRoutes(options: { operationsDir: string }): HttpRoute[] {
  const files = new Map<string, string>([
    ["", join(PAGE_DIR, "index.html")],
    ["manifest.json", join(options.operationsDir, "manifest.json")],
    ["vendor/uPlot.esm.js", require.resolve("uplot/dist/uPlot.esm.js")],
    ["vendor/uPlot.min.css", require.resolve("uplot/dist/uPlot.min.css")],
  ]);
  for (const name of readdirSync(PAGE_DIR)) {
    if (CONTENT_TYPES[extname(name)]) files.set(name, join(PAGE_DIR, name));
  }
  const pageRoutes = [...files].map(
    ([name, path]): HttpRoute => ({
      method: "GET",
      path: `${IOC_PATH}/${name}`,
      handle: async () => ({
        status: 200,
        contentType: CONTENT_TYPES[extname(path)]!,
        body: await readFile(path),
        headers: { "cache-control": "no-cache" },
      }),
    }),
  );
  // The page names its files relative to itself, which needs the trailing slash.
  const redirect: HttpRoute = {
    method: "GET",
    path: IOC_PATH,
    handle: async () => ({
      status: 308,
      contentType: "text/plain; charset=utf-8",
      body: `${IOC_PATH}/`,
      headers: { location: `${IOC_PATH}/` },
    }),
  };
  return [redirect, ...pageRoutes];
}
