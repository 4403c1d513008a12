import type { ParamSpec, Query } from "./query.ts";
import type { JsonSchema } from "./schema.ts";

export type Platform = "population" | "business" | "procedures" | "reporting";
export const PLATFORMS: readonly Platform[] = ["population", "business", "procedures", "reporting"];

export interface RouteInput {
  query: Query;
  /** The `{…}` path segment of a single-record route. */
  id: string;
  body: unknown;
}

/** One endpoint: how it is matched, documented (OpenAPI) and answered. */
export interface Route {
  method: "GET" | "PUT" | "POST";
  /** Path template, e.g. `/population/v1/citizens/{id}`. */
  path: string;
  /** The simulated platform it belongs to: counted in stats, subject to faults, cached. */
  platform: Platform | null;
  summary: string;
  params: readonly ParamSpec[];
  pathParam?: ParamSpec;
  /** Schema of the 200 body; absent for 204 answers. */
  response?: JsonSchema;
  /** Request body schema (PUT/POST). */
  requestBody?: JsonSchema;
  handle(input: RouteInput): unknown;
}

export interface Matched {
  route: Route;
  id: string;
}

/** Exact paths by hash lookup; `…/{id}` templates by their prefix. */
export function createRouter(routes: readonly Route[]) {
  const exact = new Map<string, Route>();
  const byPrefix = new Map<string, Route>();
  for (const route of routes) {
    const brace = route.path.indexOf("{");
    if (brace === -1) exact.set(`${route.method} ${route.path}`, route);
    else byPrefix.set(`${route.method} ${route.path.slice(0, brace)}`, route);
  }
  return {
    match(method: string, path: string): Matched | null {
      const direct = exact.get(`${method} ${path}`);
      if (direct) return { route: direct, id: "" };
      const slash = path.lastIndexOf("/");
      const route = byPrefix.get(`${method} ${path.slice(0, slash + 1)}`);
      if (!route || slash === path.length - 1) return null;
      let id: string;
      try {
        id = decodeURIComponent(path.slice(slash + 1));
      } catch {
        return null;
      }
      return { route, id };
    },
  };
}
