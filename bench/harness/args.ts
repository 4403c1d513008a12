import { parseArgs } from "node:util";
import type { CellSettings } from "./cells.ts";
import type { GatewayId } from "./gateways.ts";
import { GATEWAY_IDS } from "./gateways.ts";
import type { WorkloadId } from "./workloads.ts";
import { WORKLOAD_IDS } from "./workloads.ts";

export interface BenchArgs {
  mode: "smoke" | "standard" | "full";
  settings: CellSettings;
  gateways: GatewayId[];
  workloads: WorkloadId[];
  redisUrl: string | null;
  resultsDir: string;
  profileDir: string | null;
  /** Whether this run replaces bench/RESULTS.md: only complete (every cell, 3 runs or more), non-smoke runs do. */
  writeResultsMarkdown: boolean;
}

export const USAGE = `npm run bench -- [--smoke | --full | --duration N] [--warmup N] [--cold-warmup N] [--runs N] [--connections N] [--cold-requests N] [--poll-rate N]
                    [--gateways ${GATEWAY_IDS.join(",")}] [--workloads ${WORKLOAD_IDS.join(",")}]
                    [--redis (REDIS_URL)] [--results-dir DIR] [--no-results-md] [--profile DIR]`;

/** RESULTS.md reports medians of this many runs; a run with fewer never replaces it. */
const PUBLISHED_RUNS = 3;

// The polling cell: 5 s cache lifetime (CACHE_MAX_AGE_SECONDS) over 60 s, twelve expiries of every key, at
// 1,000 polls a second: 5,000 IOC screens refreshing every 5 s, about 150 per province.
const POLL = { pollSeconds: 60, pollTtlSeconds: 5, pollRequestsPerSecond: 1000 };

const MODES = {
  // Two seconds per cell, one run, two connections: enough to prove every cell and code path runs (a caches-off
  // dashboard takes over a second on a busy machine, and a window without a completed request fails its cell), never
  // enough to compare. No warm-up: verification already warmed caches. The polling cell spans three 1 s lifetimes.
  smoke: {
    connections: 2,
    warmupSeconds: 0,
    coldWarmupSeconds: 0,
    durationSeconds: 2,
    coldRequests: 2,
    runs: 1,
    pollSeconds: 3,
    pollTtlSeconds: 1,
    pollRequestsPerSecond: 50,
  },
  standard: {
    connections: 50,
    warmupSeconds: 5,
    coldWarmupSeconds: 30,
    durationSeconds: 10,
    coldRequests: 30,
    runs: PUBLISHED_RUNS,
    ...POLL,
  },
  full: {
    connections: 50,
    warmupSeconds: 10,
    coldWarmupSeconds: 60,
    durationSeconds: 60,
    coldRequests: 100,
    runs: PUBLISHED_RUNS,
    ...POLL,
  },
} satisfies Record<BenchArgs["mode"], CellSettings>;

export function parseBenchArgs(argv: string[], env: Record<string, string | undefined>): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: "boolean", default: false },
      full: { type: "boolean", default: false },
      duration: { type: "string" },
      warmup: { type: "string" },
      "cold-warmup": { type: "string" },
      runs: { type: "string" },
      connections: { type: "string" },
      "cold-requests": { type: "string" },
      "poll-rate": { type: "string" },
      gateways: { type: "string" },
      workloads: { type: "string" },
      redis: { type: "boolean", default: false },
      "results-dir": { type: "string" },
      "no-results-md": { type: "boolean", default: false },
      profile: { type: "string" },
    },
  });
  if (values.smoke && values.full) throw new Error("--smoke and --full exclude each other");
  const mode: BenchArgs["mode"] = values.smoke ? "smoke" : values.full ? "full" : "standard";
  const settings: CellSettings = { ...MODES[mode] };
  if (values.duration !== undefined) settings.durationSeconds = positive("--duration", values.duration);
  if (values.warmup !== undefined) settings.warmupSeconds = nonNegative("--warmup", values.warmup);
  if (values["cold-warmup"] !== undefined) {
    settings.coldWarmupSeconds = nonNegative("--cold-warmup", values["cold-warmup"]);
  }
  if (values.runs !== undefined) settings.runs = positive("--runs", values.runs);
  if (values.connections !== undefined) settings.connections = positive("--connections", values.connections);
  if (values["cold-requests"] !== undefined) {
    settings.coldRequests = positive("--cold-requests", values["cold-requests"]);
  }
  if (values["poll-rate"] !== undefined) {
    settings.pollRequestsPerSecond = positive("--poll-rate", values["poll-rate"]);
  }
  const gateways = list("--gateways", values.gateways, GATEWAY_IDS);
  const workloads = list("--workloads", values.workloads, WORKLOAD_IDS);
  const complete = gateways.length === GATEWAY_IDS.length && workloads.length === WORKLOAD_IDS.length;
  return {
    mode,
    settings,
    gateways,
    workloads,
    redisUrl: values.redis ? (env.REDIS_URL ?? "redis://127.0.0.1:6379") : null,
    resultsDir: values["results-dir"] ?? new URL("../results", import.meta.url).pathname,
    profileDir: values.profile ?? null,
    // Profiling slows the gateways down, and a shorter warm-up measures V8 still compiling: neither run becomes the
    // published table.
    writeResultsMarkdown:
      mode !== "smoke" &&
      complete &&
      settings.runs >= PUBLISHED_RUNS &&
      settings.warmupSeconds >= MODES[mode].warmupSeconds &&
      settings.coldWarmupSeconds >= MODES[mode].coldWarmupSeconds &&
      !values["no-results-md"] &&
      values.profile === undefined,
  };
}

function integerAtLeast(minimum: number, what: string): (flag: string, raw: string) => number {
  return (flag, raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < minimum) throw new Error(`${flag} must be ${what}, got '${raw}'`);
    return value;
  };
}

const positive = integerAtLeast(1, "a positive integer");
const nonNegative = integerAtLeast(0, "a whole number of seconds");

/** A comma list restricted to known names, kept in the canonical order (ours first: it is the reference). */
function list<T extends string>(flag: string, raw: string | undefined, known: readonly T[]): T[] {
  if (raw === undefined) return [...known];
  const wanted = raw.split(",").map((each) => each.trim());
  const unknown = wanted.filter((each) => !known.includes(each as T));
  if (unknown.length > 0)
    throw new Error(`${flag}: unknown ${unknown.join(", ")} (known: ${known.join(", ")})`);
  return known.filter((each) => wanted.includes(each));
}
