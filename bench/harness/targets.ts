import type { CellResult } from "./cells.ts";
import type { GatewayId } from "./gateways.ts";
import { GATEWAY_IDS, GATEWAYS } from "./gateways.ts";
import type { PollMeasurement } from "./measure.ts";
import type { RunRecord } from "./report.ts";
import type { WorkloadId } from "./workloads.ts";
import { WORKLOADS } from "./workloads.ts";

export interface TargetCheck {
  /** The project issue that set the target. */
  issue: number;
  target: string;
  outcome: string;
}

function findCell(results: CellResult[], workload: WorkloadId, gateway: GatewayId): CellResult | undefined {
  return results.find(
    (each) => each.workload === workload && each.gateway === gateway && each.status !== "FAILED",
  );
}

const verdict = (met: boolean) => (met ? "met" : "**missed**");
const ratio = (value: number) => `${value.toFixed(2)}×`;

/** The issues' targets, read off this run; a target whose cells are missing or failed is left out, not guessed. */
export function targetChecks(record: RunRecord): TargetCheck[] {
  const results = record.results;
  const cell = (workload: WorkloadId, gateway: GatewayId) => findCell(results, workload, gateway);
  const checks: TargetCheck[] = [];
  const check = (issue: number, target: string, outcome: string) => checks.push({ issue, target, outcome });

  const guildOff = cell("guild", "ours-off");
  const guildApollo = cell("guild", "apollo");
  const guildHive = cell("guild", "hive");
  const guildHiveNoDedup = cell("guild", "hive-no-dedup");
  if (guildOff?.requestsPerSecond && guildApollo?.requestsPerSecond) {
    const value = guildOff.requestsPerSecond / guildApollo.requestsPerSecond;
    check(
      6,
      "Guild workload, caches off: ≥ 3× Apollo Gateway req/s",
      `${ratio(value)} — ${verdict(value >= 3)}`,
    );
  }
  for (const hive of [guildHive, guildHiveNoDedup]) {
    if (!guildOff?.requestsPerSecond || !hive?.requestsPerSecond) continue;
    const value = guildOff.requestsPerSecond / hive.requestsPerSecond;
    const label = GATEWAYS[hive.gateway].label;
    check(
      6,
      `Guild workload, caches off: ≥ ${label} req/s${hive.gateway === "hive-no-dedup" ? " (like for like: neither deduplicates)" : ""}`,
      `${ratio(value)} ${label} — ${verdict(value >= 1)}`,
    );
  }
  if (guildOff?.cpuMsPerRequest && guildApollo?.cpuMsPerRequest) {
    const value = guildOff.cpuMsPerRequest / guildApollo.cpuMsPerRequest;
    check(
      11,
      "Guild workload, every cache and dedup off: CPU-ms per request ≤ 25 % of Apollo Gateway's",
      `${guildOff.cpuMsPerRequest.toFixed(2)} vs ${guildApollo.cpuMsPerRequest.toFixed(2)} ms = ${(value * 100).toFixed(0)} % — ${verdict(value <= 0.25)}`,
    );
  }
  const guildDedup = cell("guild", "ours-dedup");
  if (guildDedup?.cpuMsPerRequest && guildHive?.cpuMsPerRequest) {
    check(
      11,
      "Guild workload, dedup on (every cache off): CPU-ms per request ≤ Hive Gateway's (JIT + dedup)",
      `${guildDedup.cpuMsPerRequest.toFixed(2)} vs ${guildHive.cpuMsPerRequest.toFixed(2)} ms — ${verdict(guildDedup.cpuMsPerRequest <= guildHive.cpuMsPerRequest)}`,
    );
  }
  for (const workload of workloadsIn(results)) {
    const hive = cell(workload, "hive");
    const ours = GATEWAY_IDS.filter((id) => GATEWAYS[id].family === "ours")
      .map((id) => cell(workload, id))
      .filter((each): each is CellResult => each?.peakRssMb != null);
    if (!hive?.peakRssMb || ours.length === 0) continue;
    const largest = ours.reduce((max, each) => (each.peakRssMb! > max.peakRssMb! ? each : max));
    check(
      11,
      `${WORKLOADS[workload].title}: peak RSS of every configuration of ours below Hive Gateway's`,
      `largest ${largest.peakRssMb} MB (${GATEWAYS[largest.gateway].label}) vs ${hive.peakRssMb} MB — ${verdict(largest.peakRssMb! < hive.peakRssMb)}`,
    );
  }

  const warmOurs = cell("province-warm", "ours");
  const warmApollo = cell("province-warm", "apollo");
  if (warmOurs?.requestsPerSecond && warmApollo?.requestsPerSecond) {
    const value = warmOurs.requestsPerSecond / warmApollo.requestsPerSecond;
    check(
      6,
      "ProvinceDashboard warm: ≥ 20× Apollo Gateway req/s",
      `${value.toFixed(1)}× — ${verdict(value >= 20)}`,
    );
  }
  if (warmOurs?.latencyMs) {
    check(
      6,
      `ProvinceDashboard warm: p99 < 20 ms at ${record.settings.connections} connections`,
      `${warmOurs.latencyMs.p99.toFixed(1)} ms — ${verdict(warmOurs.latencyMs.p99 < 20)}`,
    );
  }

  const portalOurs = cell("commune-warm", "ours");
  const portalHive = cell("commune-warm", "hive");
  if (portalOurs?.requestsPerSecond && portalHive?.requestsPerSecond) {
    const value = portalOurs.requestsPerSecond / portalHive.requestsPerSecond;
    check(
      12,
      "CommunePortal warm, 20 rotating communes: ≥ Hive Gateway req/s",
      `${ratio(value)} Hive — ${verdict(value >= 1)}`,
    );
  }
  if (portalOurs?.platformRequestsPerOperation != null) {
    check(
      12,
      "CommunePortal warm: at most one platform request per operation (the dossier)",
      `${portalOurs.platformRequestsPerOperation} — ${verdict(portalOurs.platformRequestsPerOperation <= 1)}`,
    );
  }

  const coldOurs = cell("province-cold", "ours");
  if (coldOurs?.platformRequestsPerOperation != null) {
    check(
      6,
      "ProvinceDashboard cold: ≤ 8 platform requests per dashboard",
      `${coldOurs.platformRequestsPerOperation} — ${verdict(coldOurs.platformRequestsPerOperation <= 8)}`,
    );
  }
  if (coldOurs?.latencyMs && coldOurs.platformFloorMs) {
    const value = coldOurs.latencyMs.p50 / coldOurs.platformFloorMs;
    check(
      12,
      `ProvinceDashboard cold: p50 ≤ 2× the measured floor (slowest chain of platform calls at ${record.sandboxLatencyMs} ms)`,
      `p50 ${coldOurs.latencyMs.p50.toFixed(1)} ms, floor ${coldOurs.platformFloorMs.toFixed(1)} ms: ${ratio(value)} — ${verdict(value <= 2)}`,
    );
  }

  const polled = cell("province-poll", "ours");
  const poll = polled?.poll;
  if (poll && poll.slotLatencyMs.length > 0) {
    const everySlot = poll.slotLatencyMs.every((slot) => slot !== null && slot.p99 < 20);
    // Paced load: latencies only mean something if the gateway kept up with the offered rate.
    const answered = polled.requestsPerSecond ?? 0;
    const keptUp = answered >= 0.95 * poll.offeredRequestsPerSecond;
    check(
      12,
      `ProvinceDashboard polled at ${poll.offeredRequestsPerSecond} req/s across ${poll.expiries} expiries of a ${poll.cacheLifetimeSeconds} s lifetime: p99 < 20 ms in every lifetime, every offered request answered`,
      `worst ${worstSlotP99(poll)}, ${answered} of ${poll.offeredRequestsPerSecond} req/s answered — ${verdict(everySlot && keptUp)}`,
    );
    check(
      12,
      "ProvinceDashboard polled: at most one refresh per key per expiry",
      `${poll.refreshesPerKeyPerExpiry} — ${verdict(poll.refreshesPerKeyPerExpiry <= 1)}`,
    );
  }
  return checks;
}

/** The highest p99 of a polling window's lifetime slots; a slot where nothing completed is worse than any. */
export function worstSlotP99(poll: PollMeasurement): string {
  if (poll.slotLatencyMs.some((slot) => slot === null)) return "a lifetime in which no response completed";
  return `${Math.max(...poll.slotLatencyMs.map((slot) => slot!.p99)).toFixed(1)} ms`;
}

function workloadsIn(results: CellResult[]): WorkloadId[] {
  return [...new Set(results.map((result) => result.workload))];
}
