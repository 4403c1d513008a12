import { summarizeLatencies } from "./latency.ts";
import type { LatencySummary } from "./loadProtocol.ts";

/**
 * Latency samples bucketed by when each response completed, in slots of `slotSeconds` over a window of
 * `durationSeconds`, plus every sample for the whole window's summary.
 */
export function createLatencySlots(durationSeconds: number, slotSeconds: number | undefined) {
  const all: number[] = [];
  const slots: number[][] = [];
  const count = slotSeconds ? Math.max(1, Math.ceil(durationSeconds / slotSeconds)) : 0;
  return {
    record(latencyMs: number, elapsedSeconds: number): void {
      all.push(latencyMs);
      if (!slotSeconds) return;
      // Responses completing in the moments after the window closes belong to its last slot.
      const slot = Math.min(count - 1, Math.floor(elapsedSeconds / slotSeconds));
      const samples = slots[slot] ?? [];
      samples.push(latencyMs);
      slots[slot] = samples;
    },
    summary(): LatencySummary {
      return summarizeLatencies(all);
    },
    /** One summary per slot, in order (null: no response completed in it); null without slots. */
    perSlot(): (LatencySummary | null)[] | null {
      if (!slotSeconds) return null;
      return Array.from({ length: count }, (_, index) =>
        slots[index] ? summarizeLatencies(slots[index]) : null,
      );
    },
  };
}
