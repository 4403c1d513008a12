import type { MetricsSampler, Sample, Series } from "./metricsSampler.ts";
import type { Readiness } from "./readiness.ts";

const M = {
  requests: "lienthong_gateway_requests_total",
  durationBuckets: "lienthong_gateway_request_duration_seconds_bucket",
  cacheLookups: "lienthong_gateway_cache_lookups_total",
  breaker: "lienthong_gateway_circuit_breaker_state",
  redisUp: "lienthong_gateway_redis_up",
  rateLimited: "lienthong_gateway_rate_limit_rejections_total",
};
/** The metrics the status page reads; the sampler keeps only these. */
export const STATUS_METRICS: ReadonlySet<string> = new Set(Object.values(M));

const BREAKER_STATES = ["closed", "half-open", "open"] as const;
const CACHE_LAYERS = ["apq", "response", "entity"] as const;
/** The windows the page reports, in minutes. */
const WINDOWS_MINUTES = [1, 5] as const;

type Filter = (labels: Record<string, string>) => boolean;
const all: Filter = () => true;

const sum = (sample: Sample, name: string, filter: Filter = all) =>
  sample.series.reduce((total, s) => (s.name === name && filter(s.labels) ? total + s.value : total), 0);

/** A counter's growth between two samples; a drop means a worker restarted, and its count starts again from 0. */
function increase(from: Sample, to: Sample, name: string, filter: Filter = all): number {
  const delta = sum(to, name, filter) - sum(from, name, filter);
  return delta >= 0 ? delta : sum(to, name, filter);
}

/** The 95th percentile of the requests between two samples, interpolated within its bucket like histogram_quantile. */
export function p95Seconds(from: Sample, to: Sample): number | null {
  const bounds = [...new Set(to.series.filter((s) => s.name === M.durationBuckets).map((s) => s.labels.le!))];
  const buckets = bounds
    .map((le) => ({
      le: le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le),
      count: increase(from, to, M.durationBuckets, (labels) => labels.le === le),
    }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = 0.95 * total;
  let lower = { le: 0, count: 0 };
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      // Beyond the last finite bound nothing is known but that bound.
      if (bucket.le === Number.POSITIVE_INFINITY) return lower.le;
      const share = (rank - lower.count) / (bucket.count - lower.count);
      return lower.le + (bucket.le - lower.le) * share;
    }
    lower = bucket;
  }
  return lower.le;
}

function windowStats(from: Sample, to: Sample) {
  const seconds = (to.at - from.at) / 1000;
  const cacheHitRatio = Object.fromEntries(
    CACHE_LAYERS.map((layer) => {
      const count = (result: string) =>
        increase(from, to, M.cacheLookups, (l) => l.layer === layer && l.result === result);
      const lookups = count("hit") + count("miss") + count("error");
      return [layer, lookups === 0 ? null : count("hit") / lookups];
    }),
  );
  return {
    seconds: Math.round(seconds),
    requestsPerSecond: seconds > 0 ? increase(from, to, M.requests) / seconds : null,
    p95Ms: ((p) => (p === null ? null : p * 1000))(p95Seconds(from, to)),
    cacheHitRatio,
    rateLimitRejections: increase(from, to, M.rateLimited),
  };
}

/** The oldest kept sample no older than `ms` before `latest`. */
const since = (samples: readonly Sample[], latest: Sample, ms: number) =>
  samples.find((sample) => sample.at >= latest.at - ms) ?? latest;

const labelsOf = (samples: Series[], name: string, label: string) =>
  samples.filter((s) => s.name === name).map((s) => [s.labels[label]!, s.value] as const);

/**
 * What /status shows: the supergraph served, each subgraph's health (its /health, as /ready checks it) and breaker,
 * Redis, and, from the sampled metrics, request rate, p95, cache hit ratios and rate-limit rejections over the last
 * minutes, with a per-interval series for the page's charts.
 */
export function createStatusReport(deps: {
  sampler: MetricsSampler;
  readiness: () => Promise<Readiness>;
  supergraphId: () => string | null;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  let supergraph: { id: string; loadedAt: string } | null = null;

  async function report() {
    const [readiness, latest] = await Promise.all([deps.readiness(), deps.sampler.read()]);
    const samples = deps.sampler.samples();
    const breakers = new Map(labelsOf(latest.series, M.breaker, "subgraph"));
    const subgraphs = Object.entries(readiness.checks)
      .filter(([check]) => check.startsWith("subgraph:"))
      .map(([check, health]) => {
        const name = check.slice("subgraph:".length);
        const state = breakers.get(name) ?? 0;
        return { name, health, breaker: BREAKER_STATES[Math.min(2, Math.max(0, Math.round(state)))] };
      });
    const redisUp = latest.series.find((s) => s.name === M.redisUp);
    return {
      at: new Date(latest.at).toISOString(),
      status: readiness.status,
      reasons: readiness.reasons,
      supergraph,
      subgraphs,
      redis: readiness.checks.redis ?? (redisUp ? (redisUp.value === 1 ? "ok" : "lost") : "not configured"),
      windows: Object.fromEntries(
        WINDOWS_MINUTES.map((minutes) => [
          `${minutes}m`,
          windowStats(since(samples, latest, minutes * 60_000), latest),
        ]),
      ),
      rateLimitRejectionsTotal: sum(latest, M.rateLimited),
      series: samples.slice(1).map((sample, index) => {
        const stats = windowStats(samples[index]!, sample);
        return { at: sample.at, requestsPerSecond: stats.requestsPerSecond, p95Ms: stats.p95Ms };
      }),
    };
  }

  return {
    report,
    /** Called when Apollo Gateway has started serving a supergraph (first load and every reload). */
    supergraphLoaded() {
      const id = deps.supergraphId();
      supergraph = id ? { id, loadedAt: new Date(now()).toISOString() } : null;
    },
  };
}

export type StatusReporter = ReturnType<typeof createStatusReport>;
export type StatusReport = Awaited<ReturnType<StatusReporter["report"]>>;
