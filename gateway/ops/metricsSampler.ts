/** One series of a Prometheus text exposition. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Sample {
  at: number;
  series: Series[];
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/** The series of `text` whose metric name is in `names` (the rest is not kept: samples live for minutes). */
export function parseMetrics(text: string, names: ReadonlySet<string>): Series[] {
  const series: Series[] = [];
  for (const line of text.split("\n")) {
    const match = LINE.exec(line);
    if (!match || !names.has(match[1]!)) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key!] = value!;
    series.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return series;
}

/**
 * The process's own metrics (the cluster's with WORKERS > 1) read every `intervalMs` and kept for `keepMs`, so the
 * status page can show rates and percentiles over the last minutes without a Prometheus server.
 */
export function createMetricsSampler(options: {
  metricsText: () => Promise<string>;
  names: ReadonlySet<string>;
  intervalMs: number;
  keepMs: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const samples: Sample[] = [];
  let timer: NodeJS.Timeout | null = null;

  const read = async (): Promise<Sample> => ({
    at: now(),
    series: parseMetrics(await options.metricsText(), options.names),
  });

  async function sample(): Promise<void> {
    const taken = await read();
    samples.push(taken);
    while (samples.length > 0 && samples[0]!.at < taken.at - options.keepMs) samples.shift();
  }

  return {
    /** The metrics now, not kept: however often the page asks, the history holds one sample per interval. */
    read,
    /** The samples kept, oldest first. */
    samples: (): readonly Sample[] => samples,
    start() {
      void sample().catch(() => {});
      // A failed read (the primary busy or restarting) leaves a gap; the next one fills the picture again.
      timer = setInterval(() => void sample().catch(() => {}), options.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type MetricsSampler = ReturnType<typeof createMetricsSampler>;
