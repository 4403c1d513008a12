import type { CellSettings } from "./cells.ts";
import type { GatewayDefinition, GatewayId } from "./gateways.ts";
import { GATEWAYS } from "./gateways.ts";
import type { WorkloadDefinition, WorkloadId } from "./workloads.ts";
import { WORKLOADS } from "./workloads.ts";

/**
 * Which subgraph processes serve a cell. Peers cannot sign our caller context, so theirs run without
 * INTERNAL_CONTEXT_SECRET; our gateways with caches get subgraphs with their record cache on for load cells, and
 * every cold cell and every caches-off gateway gets them with it off (execution only).
 */
export type StackKind = "guild" | "signed-record-cache-off" | "signed-record-cache-on" | "unsigned";

/** In this order, so our caches-off gateway answers each workload first and becomes its reference. */
export const STACK_ORDER: readonly StackKind[] = [
  "guild",
  "signed-record-cache-off",
  "signed-record-cache-on",
  "unsigned",
];

/** One gateway process and the workloads it runs, in a row. */
export interface GatewayProcessPlan {
  gateway: GatewayId;
  /** Settings of our gateway for these workloads: workloads needing different ones get a process each. */
  oursEnv: Record<string, string>;
  workloads: WorkloadId[];
}

export interface PhasePlan {
  stack: StackKind;
  processes: GatewayProcessPlan[];
}

export function stackKindOf(gateway: GatewayDefinition, workload: WorkloadDefinition): StackKind {
  if (workload.stack === "guild") return "guild";
  if (gateway.family === "peer") return "unsigned";
  return gateway.hasCaches && workload.mode !== "cold" ? "signed-record-cache-on" : "signed-record-cache-off";
}

/** The selected gateways × the selected workloads each variant runs, grouped into subgraph stacks and processes. */
export function planBenchmark(
  gateways: readonly GatewayId[],
  workloads: readonly WorkloadId[],
  settings: CellSettings,
): PhasePlan[] {
  return STACK_ORDER.map((stack) => ({
    stack,
    processes: gateways.flatMap((gateway) => {
      const definition = GATEWAYS[gateway];
      const cells = workloads.filter(
        (workload) =>
          definition.workloads.includes(workload) && stackKindOf(definition, WORKLOADS[workload]) === stack,
      );
      const byEnv = new Map<string, GatewayProcessPlan>();
      for (const workload of cells) {
        const oursEnv = definition.family === "ours" ? WORKLOADS[workload].oursEnv(settings) : {};
        const key = JSON.stringify(oursEnv);
        const process = byEnv.get(key) ?? { gateway, oursEnv, workloads: [] };
        process.workloads.push(workload);
        byEnv.set(key, process);
      }
      return [...byEnv.values()];
    }),
  })).filter((phase) => phase.processes.length > 0);
}

// Rough costs on the 2-core machine of RESULTS.md, for the estimate printed at the start of a run.
const SECONDS = {
  sandboxStart: 25,
  guildStackStart: 5,
  platformStackStart: 12,
  gatewayStart: 8,
  cellVerification: 2,
  perLoadRun: 1,
  perColdRequest: 0.25,
};

/** Expected wall-clock seconds of a plan: process starts, warm-ups, measured windows and cold requests. */
export function estimateSeconds(plan: readonly PhasePlan[], settings: CellSettings): number {
  let total = plan.some((phase) => phase.stack !== "guild") ? SECONDS.sandboxStart : 0;
  for (const phase of plan) {
    total += phase.stack === "guild" ? SECONDS.guildStackStart : SECONDS.platformStackStart;
    for (const process of phase.processes) {
      total += SECONDS.gatewayStart;
      for (const workload of process.workloads) {
        total += SECONDS.cellVerification;
        const mode = WORKLOADS[workload].mode;
        if (mode === "load")
          total += settings.warmupSeconds + settings.runs * (settings.durationSeconds + SECONDS.perLoadRun);
        if (mode === "cold") total += settings.runs * settings.coldRequests * SECONDS.perColdRequest;
        if (mode === "poll") total += settings.pollSeconds + SECONDS.perLoadRun;
      }
    }
  }
  return Math.round(total);
}
