import { ExponentialBackoff, handleWhen, retry } from "cockatiel";
import type { GraphQLError } from "graphql";
import { badUserInput, redactNumbers, upstreamUnavailable } from "../../common/errors.ts";
import type { Logger } from "./logger.ts";
import type { SubgraphMetrics } from "./metrics.ts";
import { createPlatformHttp, type PlatformAnswer, PlatformTimeoutError } from "./platformHttp.ts";
import { type Tracing, tracePlatformCall } from "./tracing.ts";

export type UpstreamQueryValue = string | number | boolean | readonly string[] | undefined;
export type UpstreamQuery = Record<string, UpstreamQueryValue>;

export interface UpstreamRequestOptions {
  /** Route template for metrics and logs, e.g. `/citizens/{id}`; derived from the path with ids replaced when absent. */
  route?: string;
}

export interface UpstreamClient {
  readonly platform: string;
  get<T>(path: string, query?: UpstreamQuery, options?: UpstreamRequestOptions): Promise<T>;
  /** Like `get`, but a 404 answer is `null` (single-record lookups of unknown ids). */
  getOrNull<T>(path: string, query?: UpstreamQuery, options?: UpstreamRequestOptions): Promise<T | null>;
  close(): Promise<void>;
}

export interface UpstreamClientOptions {
  platform: string;
  baseUrl: string;
  timeoutMs: number;
  /** Extra attempts after the first one, for connection errors and 5xx answers only. */
  retries: number;
  metrics: SubgraphMetrics;
  logger: Logger;
  connections?: number;
  /** First backoff delay; doubles per attempt (with jitter) up to 1 s. */
  retryInitialDelayMs?: number;
  /** A span per platform call and `traceparent` on it; absent or null → no tracing work at all. */
  tracing?: Tracing | null;
}

/** A non-2xx answer from the platform, with the problem+json detail when there is one. */
class UpstreamHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`HTTP ${status}: ${detail}`);
  }
}

class UpstreamNetworkError extends Error {}

const ACCEPT_JSON = { accept: "application/json" };

type Outcome = "ok" | "not_found" | "client_error" | "server_error" | "network_error" | "timeout";

function isRetryable(error: Error): boolean {
  return error instanceof UpstreamNetworkError || (error instanceof UpstreamHttpError && error.status >= 500);
}

function isTimeout(error: unknown): error is PlatformTimeoutError {
  return error instanceof PlatformTimeoutError;
}

function routeTemplate(path: string): string {
  return path
    .split("/")
    .map((segment) => (/\d/.test(segment) ? "{id}" : segment))
    .join("/");
}

export function buildQueryString(query: UpstreamQuery | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(","));
    } else {
      params.set(key, String(value));
    }
  }
  const text = params.toString().replaceAll("%2C", ",");
  return text === "" ? "" : `?${text}`;
}

function problemDetail(answer: PlatformAnswer): string {
  try {
    const problem = JSON.parse(answer.text) as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === "string") return problem.detail;
    if (typeof problem.title === "string") return problem.title;
  } catch {
    // not problem+json: fall through to the status text
  }
  return answer.statusText || "no detail";
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { platform, timeoutMs, metrics, logger } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const http = createPlatformHttp(baseUrl, options.connections ?? 32);
  const retryPolicy = retry(handleWhen(isRetryable), {
    maxAttempts: options.retries,
    backoff: new ExponentialBackoff({ initialDelay: options.retryInitialDelayMs ?? 50, maxDelay: 1000 }),
  });

  async function attempt(url: string, headers: Record<string, string>): Promise<PlatformAnswer> {
    let answer: PlatformAnswer;
    try {
      answer = await http.get(url, headers, timeoutMs);
    } catch (error) {
      if (isTimeout(error)) throw error;
      throw new UpstreamNetworkError(error instanceof Error ? error.message : "request failed");
    }
    if (answer.status >= 500) throw new UpstreamHttpError(answer.status, problemDetail(answer));
    return answer;
  }

  function toGraphQLError(error: unknown): { error: GraphQLError; outcome: Outcome } {
    if (isTimeout(error)) {
      return { error: upstreamUnavailable(platform, `no answer within ${timeoutMs} ms`), outcome: "timeout" };
    }
    // Clients get our words only: the platform's address, routes and own text stay in the log (see `request`).
    if (error instanceof UpstreamNetworkError) {
      return { error: upstreamUnavailable(platform, "no connection"), outcome: "network_error" };
    }
    if (error instanceof UpstreamHttpError) {
      if (error.status === 400 || error.status === 422) {
        return {
          error: badUserInput(`the ${platform} platform refused the request's arguments`),
          outcome: "client_error",
        };
      }
      return {
        error: upstreamUnavailable(platform, `answered HTTP ${error.status}`),
        outcome: error.status >= 500 ? "server_error" : "client_error",
      };
    }
    return { error: upstreamUnavailable(platform, "unexpected failure"), outcome: "network_error" };
  }

  function request<T>(
    path: string,
    query: UpstreamQuery | undefined,
    requestOptions: UpstreamRequestOptions | undefined,
    notFoundAsNull: boolean,
  ): Promise<T | null> {
    const route = requestOptions?.route ?? routeTemplate(path);
    const url = `${baseUrl}${path}${buildQueryString(query)}`;
    const { tracing } = options;
    if (!tracing) return send<T>(url, route, notFoundAsNull, ACCEPT_JSON);
    return tracePlatformCall(tracing, { platform, route, baseUrl }, (traceHeaders) =>
      send<T>(url, route, notFoundAsNull, { ...ACCEPT_JSON, ...traceHeaders }),
    );
  }

  async function send<T>(
    url: string,
    route: string,
    notFoundAsNull: boolean,
    headers: Record<string, string>,
  ): Promise<T | null> {
    const endTimer = metrics.upstreamDuration.startTimer({ platform, route });
    try {
      const answer = await retryPolicy.execute(() => attempt(url, headers));
      if (answer.status === 404 && notFoundAsNull) {
        metrics.upstreamRequests.inc({ platform, route, outcome: "not_found" });
        return null;
      }
      if (answer.status < 200 || answer.status > 299) {
        throw new UpstreamHttpError(answer.status, problemDetail(answer));
      }
      const body = JSON.parse(answer.text) as T;
      metrics.upstreamRequests.inc({ platform, route, outcome: "ok" });
      return body;
    } catch (error) {
      const mapped = toGraphQLError(error);
      metrics.upstreamRequests.inc({ platform, route, outcome: mapped.outcome });
      // The platform's own words (its address, its detail text) are for operators; ids in them are personal data.
      logger[mapped.outcome === "client_error" ? "info" : "warn"](
        {
          platform,
          route,
          outcome: mapped.outcome,
          reason: redactNumbers(error instanceof Error ? error.message : String(error)),
        },
        "upstream request failed",
      );
      throw mapped.error;
    } finally {
      endTimer();
    }
  }

  return {
    platform,
    async get<T>(path: string, query?: UpstreamQuery, requestOptions?: UpstreamRequestOptions): Promise<T> {
      return (await request<T>(path, query, requestOptions, false)) as T;
    },
    getOrNull<T>(
      path: string,
      query?: UpstreamQuery,
      requestOptions?: UpstreamRequestOptions,
    ): Promise<T | null> {
      return request<T>(path, query, requestOptions, true);
    },
    close: async () => http.close(),
  };
}
