import { z } from "zod";
import { badRequest } from "./problem.ts";
import { PLATFORMS, type Platform } from "./route.ts";

/** Injected latency, random errors and per-platform outages, changeable at run time. */

export interface FaultSettings {
  latencyMs: number;
  jitterMs: number;
  errorRate: number;
  outage: Record<Platform, boolean>;
}

const faultPatch = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000),
    jitterMs: z.number().int().min(0).max(60_000),
    errorRate: z.number().min(0).max(1),
    outage: z
      .object(
        Object.fromEntries(PLATFORMS.map((platform) => [platform, z.boolean()])) as Record<
          Platform,
          z.ZodBoolean
        >,
      )
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export interface Faults {
  current(): FaultSettings;
  /** Merges a partial settings object; throws a 400 problem when it is malformed. */
  update(patch: unknown): FaultSettings;
  /** Delay to add before answering, in ms. */
  delay(): number;
  /** Whether this request fails with an injected 503. */
  shouldFail(platform: Platform): boolean;
}

export function createFaults(initial: Omit<FaultSettings, "outage">): Faults {
  const settings: FaultSettings = {
    ...initial,
    outage: { population: false, business: false, procedures: false, reporting: false },
  };
  // Fault injection is meant to be random; a small xorshift keeps it independent of Math.random's state.
  let state = 0x9e37_79b9;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
  return {
    current: () => structuredClone(settings),
    update(patch) {
      const parsed = faultPatch.safeParse(patch);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw badRequest(`faults: ${issue.path.join(".") || "body"}: ${issue.message}`);
      }
      const { outage, ...rest } = parsed.data;
      Object.assign(settings, rest);
      Object.assign(settings.outage, outage ?? {});
      return structuredClone(settings);
    },
    delay: () =>
      settings.latencyMs + (settings.jitterMs > 0 ? Math.floor(random() * (settings.jitterMs + 1)) : 0),
    shouldFail: (platform) =>
      settings.outage[platform] || (settings.errorRate > 0 && random() < settings.errorRate),
  };
}
