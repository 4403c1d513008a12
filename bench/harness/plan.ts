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

/** A gateway and a workload it runs. */
export interface PlannedCell {
  gateway: GatewayId;
  workload: WorkloadId;
}

/** Every selected gateway × every selected workload it runs. */
export function everyCell(gateways: readonly GatewayId[], workloads: readonly WorkloadId[]): PlannedCell[] {
  return gateways.flatMap((gateway) =>
    workloads
      .filter((w) => GATEWAYS[gateway].workloads.includes(w))
      .map((workload) => ({ gateway, workload })),
  );
}

/**
 * The smoke run's cells: every gateway variant starts and answers at least once, every workload runs at least once,
 * and nothing more. Variants take the Guild query when they run it (its subgraphs start in seconds and need no
 * sandbox); each remaining workload runs on the first of our variants that takes it. The full product would start a
 * gateway process per variant and workload setting on every stack, minutes of `npm test` that prove nothing more
 * about the harness.
 */
export function smokeCells(gateways: readonly GatewayId[], workloads: readonly WorkloadId[]): PlannedCell[] {
  const candidates = everyCell(gateways, workloads);
  const chosen: PlannedCell[] = [];
  for (const gateway of gateways) {
    const own = candidates.filter((cell) => cell.gateway === gateway);
    const pick = own.find((cell) => WORKLOADS[cell.workload].stack === "guild") ?? own[0];
    if (pick) chosen.push(pick);
  }
  for (const workload of workloads) {
    if (chosen.some((cell) => cell.workload === workload)) continue;
    const runners = candidates.filter((cell) => cell.workload === workload);
    const pick = runners.find((cell) => GATEWAYS[cell.gateway].family === "ours") ?? runners[0];
    if (pick) chosen.push(pick);
  }
  return chosen;
}

/** The planned cells grouped into subgraph stacks and gateway processes. */
export function planBenchmark(cells: readonly PlannedCell[], settings: CellSettings): PhasePlan[] {
  const gateways = [...new Set(cells.map((cell) => cell.gateway))];
  return STACK_ORDER.map((stack) => ({
    stack,
    processes: gateways.flatMap((gateway) => {
      const definition = GATEWAYS[gateway];
      const ownCells = cells
        .filter((cell) => cell.gateway === gateway)
        .map((cell) => cell.workload)
        .filter((workload) => stackKindOf(definition, WORKLOADS[workload]) === stack);
      const byEnv = new Map<string, GatewayProcessPlan>();
      for (const workload of ownCells) {
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
        if (mode === "cold")
          total +=
            settings.coldWarmupSeconds + settings.runs * settings.coldRequests * SECONDS.perColdRequest;
        if (mode === "poll") total += settings.warmupSeconds + settings.pollSeconds + SECONDS.perLoadRun;
      }
    }
  }
  return Math.round(total);
}
