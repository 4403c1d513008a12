import { z } from "zod";
import { isDate } from "../common/identifiers.ts";

/** Sandbox settings, read once from the environment. */
const schema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  SANDBOX_HOST: z.string().min(1).default("127.0.0.1"),
  SANDBOX_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  SANDBOX_JITTER_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  SANDBOX_ERROR_RATE: z.coerce.number().min(0).max(1).default(0),
  SANDBOX_TODAY: z.string().refine(isDate, "must be a date YYYY-MM-DD").default("2025-11-13"),
  SANDBOX_WARMUP: z.enum(["on", "off"]).default("on"),
});

export interface SandboxConfig {
  port: number;
  host: string;
  latencyMs: number;
  jitterMs: number;
  errorRate: number;
  /** "Today" for the simulated data (YYYY-MM-DD): every derived figure depends on it. */
  today: string;
  /** Build the statistics aggregates in the background after start (done by the standalone process, sandbox/index.ts). */
  warmUp: boolean;
}

export const DEFAULT_CONFIG: SandboxConfig = {
  port: 4010,
  host: "127.0.0.1",
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  today: "2025-11-13",
  warmUp: true,
};

export function readConfig(env: NodeJS.ProcessEnv): SandboxConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid sandbox configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const values = parsed.data;
  return {
    port: values.SANDBOX_PORT,
    host: values.SANDBOX_HOST,
    latencyMs: values.SANDBOX_LATENCY_MS,
    jitterMs: values.SANDBOX_JITTER_MS,
    errorRate: values.SANDBOX_ERROR_RATE,
    today: values.SANDBOX_TODAY,
    warmUp: values.SANDBOX_WARMUP === "on",
  };
}
