/** One platform request: its route template and when it arrived and was answered, in ms since the last reset. */
export interface RequestTiming {
  endpoint: string;
  startMs: number;
  endMs: number;
}

/** Requests served per route template, and their timings (platform routes only, so reading them moves nothing). */
export interface RequestStats {
  /** Counts a request as it arrives; the returned function marks it answered. */
  begin(template: string): () => void;
  /** `requests`: the timings of the last `REQUEST_LOG_LIMIT` requests answered, in the order they were answered. */
  snapshot(): { total: number; byEndpoint: Record<string, number>; requests: RequestTiming[] };
  reset(): void;
}

/** Bounds the log under benchmark load; a measured operation makes a few dozen requests. */
export const REQUEST_LOG_LIMIT = 1000;

const round = (ms: number) => Math.round(ms * 100) / 100;

export function createRequestStats(): RequestStats {
  let total = 0;
  let byEndpoint = new Map<string, number>();
  let log: RequestTiming[] = [];
  let origin = performance.now();
  return {
    begin(template) {
      total += 1;
      byEndpoint.set(template, (byEndpoint.get(template) ?? 0) + 1);
      const since = origin;
      const startMs = performance.now() - since;
      return () => {
        // A request answered after a reset belongs to no log of the new period.
        if (since !== origin) return;
        log.push({ endpoint: template, startMs: round(startMs), endMs: round(performance.now() - since) });
        if (log.length > REQUEST_LOG_LIMIT) log.shift();
      };
    },
    snapshot: () => ({ total, byEndpoint: Object.fromEntries(byEndpoint), requests: [...log] }),
    reset() {
      total = 0;
      byEndpoint = new Map();
      log = [];
      origin = performance.now();
    },
  };
}
