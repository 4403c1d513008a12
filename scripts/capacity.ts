// The capacity model of docs/CAPACITY.md, computed from the measured rates in bench/RESULTS.md and the measured bytes and
// Redis commands of docs/capacity-inputs.json (written by scripts/measure-answer-bytes.ts):
//   npx tsx scripts/capacity.ts          prints the generated section of docs/CAPACITY.md
// A test (test/unit/deploy/capacity.test.ts) checks that the document carries exactly this output.
import { readFileSync } from "node:fs";
import type { CapacityInputs, LayerEntries } from "./measure-answer-bytes.ts";

/** A load cell's measured rate: one Node main thread serving it can spend at most 1000 / rate ms per request. */
export function parseResults(markdown: string): Record<string, { cold: number; warm: number }> {
  const rateOf = (heading: string, gateway: string) => {
    const section = markdown.split("\n### ").find((part) => part.startsWith(heading));
    const row = section?.split("\n").find((line) => line.startsWith(`| ${gateway} |`));
    const rate = Number(row?.split("|")[3]?.trim());
    if (!Number.isFinite(rate) || rate <= 0)
      throw new Error(`RESULTS.md: no rate for ${heading} / ${gateway}`);
    return rate;
  };
  const cells = {
    ProvinceDashboard: "ProvinceDashboard, Nghệ An (40), warm",
    NationalOverview: "NationalOverview, warm",
    CommunePortal: "CommunePortal, warm",
  };
  return Object.fromEntries(
    Object.entries(cells).map(([operation, heading]) => [
      operation,
      { cold: rateOf(heading, "Liên Thông, caches off"), warm: rateOf(heading, "Liên Thông, defaults") },
    ]),
  );
}

// Stated assumptions (docs/CAPACITY.md explains each).
const PROVINCES = 34;
const COMMUNES = 3321;
const SCREENS_PER_PROVINCE = 20;
const CENTRAL_SCREENS = 20;
const POLL_SECONDS = 5;
const PORTAL_PEAK_PER_SECOND = 0.5;
const OFFICER_LOOKUPS_PER_COMMUNE_PER_SECOND = 2 / 60;
/** The shortest maxAge in the dashboards' answers (statistics): one execution per province per minute. */
const DASHBOARD_TTL_SECONDS = 60;
const TARGET_UTILISATION = 0.6;
const MIN_REPLICAS = 2;
const REDIS_OPS_PER_CORE = 80_000;

type Entries = Record<string, LayerEntries>;
// Rate-limit keys belong to callers, not answers, and APQ entries to operations: both are counted apart.
const answerLayers = (entries: Entries) =>
  Object.entries(entries).filter(([layer]) => layer !== "ratelimit" && layer !== "apq");
/** Bytes that stay in Redis as long as their answer keeps being asked for (refreshed on expiry). */
const footprint = (entries: Entries) => answerLayers(entries).reduce((sum, [, e]) => sum + e.bytes, 0);
/** Bytes × seconds one request leaves behind: by Little's law, times a request rate, the bytes alive at once. */
const byteSeconds = (entries: Entries | null) =>
  answerLayers(entries ?? {}).reduce((sum, [, e]) => sum + e.bytes * e.ttlSeconds, 0);

interface Scenario {
  name: string;
  provinces: number;
  communes: number;
  central: boolean;
}

export function model(
  rates: Record<string, { cold: number; warm: number }>,
  inputs: CapacityInputs,
  factor = 1,
) {
  const ms = (rate: number) => 1000 / rate;
  const measured = inputs.operations;
  const rateLimited = Object.values(measured)
    .map((operation) => operation.entries.ratelimit)
    .filter((entry) => entry.count > 0);
  const rateLimitKeyBytes = Math.max(...rateLimited.map((entry) => entry.bytes / entry.count));
  const rateLimitWindow = Math.max(...rateLimited.map((entry) => entry.ttlSeconds));
  const apqBytes = Object.values(measured).reduce((sum, operation) => sum + operation.entries.apq.bytes, 0);
  const dashboard = rates.ProvinceDashboard!;
  const overview = rates.NationalOverview!;
  const portal = rates.CommunePortal!;
  return (scenario: Scenario) => {
    const screens = (scenario.provinces * SCREENS_PER_PROVINCE * factor) / POLL_SECONDS;
    const central = scenario.central ? (CENTRAL_SCREENS * factor) / POLL_SECONDS : 0;
    const portals = scenario.communes * PORTAL_PEAK_PER_SECOND * factor;
    const officers = scenario.communes * OFFICER_LOOKUPS_PER_COMMUNE_PER_SECOND * factor;
    const coldExecutions = (scenario.provinces + (scenario.central ? 1 : 0)) / DASHBOARD_TTL_SECONDS;
    const requests = screens + central + portals + officers;
    // Gateway: warm answers at the warm cost, one cold execution per dashboard per TTL, the PRIVATE operations
    // executed every time (CitizenProfile at the CommunePortal's caches-off cost: it has no cell of its own).
    const gatewayMs =
      screens * ms(dashboard.warm) +
      central * ms(overview.warm) +
      (scenario.provinces / DASHBOARD_TTL_SECONDS) * ms(dashboard.cold) +
      (scenario.central ? ms(overview.cold) / DASHBOARD_TTL_SECONDS : 0) +
      portals * ms(portal.warm) +
      officers * ms(portal.cold);
    // Subgraphs: only executions reach them; charged the other core of the benchmark machine per execution.
    const subgraphMs =
      coldExecutions * ms(dashboard.cold) + portals * ms(portal.warm) + officers * ms(portal.cold);
    const replicas = (cpuMs: number) => Math.max(MIN_REPLICAS, Math.ceil(cpuMs / 1000 / TARGET_UTILISATION));
    // Dashboards: one set of entries per province (each as large as Nghệ An's, a province of the most communes),
    // kept alive by the polling. Portal: each commune's first lookup stays (commune, procedures), and every further
    // lookup (another dossier) adds its own entries for their time to live; an officer's lookup likewise.
    const redisBytes =
      scenario.provinces * footprint(measured.ProvinceDashboard.entries) +
      (scenario.central ? footprint(measured.NationalOverview.entries) : 0) +
      scenario.communes * footprint(measured.CommunePortal.entries) +
      portals * byteSeconds(measured.CommunePortal.nextEntries) +
      officers * byteSeconds(measured.CitizenProfile.nextEntries) +
      (portals + officers) * rateLimitWindow * rateLimitKeyBytes +
      apqBytes;
    // Portal and officer lookups are charged a cold request's commands: their variables rarely repeat in a TTL.
    const redisOps =
      screens * measured.ProvinceDashboard.redisCommands.warm +
      central * measured.NationalOverview.redisCommands.warm +
      (scenario.provinces / DASHBOARD_TTL_SECONDS) * measured.ProvinceDashboard.redisCommands.cold +
      (scenario.central ? measured.NationalOverview.redisCommands.cold / DASHBOARD_TTL_SECONDS : 0) +
      portals * measured.CommunePortal.redisCommands.cold +
      officers * measured.CitizenProfile.redisCommands.cold;
    return {
      requests,
      gatewayCores: gatewayMs / 1000,
      gatewayReplicas: replicas(gatewayMs),
      subgraphCores: subgraphMs / 1000,
      subgraphReplicas: replicas(subgraphMs / 4),
      redisMb: redisBytes / 1e6,
      redisOps,
      redisCores: redisOps / REDIS_OPS_PER_CORE,
      platformRequests: portals + officers + coldExecutions * 7,
    };
  };
}

export function report(markdown: string, inputs: CapacityInputs): string {
  const rates = parseResults(markdown);
  const rows = [
    [
      "(a) one province",
      { name: "province", provinces: 1, communes: Math.round(COMMUNES / PROVINCES), central: false },
      1,
    ],
    ["(b) the nation", { name: "nation", provinces: PROVINCES, communes: COMMUNES, central: true }, 1],
    [
      "(c) ten times the nation",
      { name: "nation×10", provinces: PROVINCES, communes: COMMUNES, central: true },
      10,
    ],
  ] as const;
  const f = (value: number, digits = 1) => value.toFixed(digits);
  const layers = (entries: Entries | null) =>
    entries
      ? answerLayers(entries)
          .filter(([, e]) => e.count > 0)
          .map(
            ([layer, e]) => `${layer} ${e.count} × ${f(e.bytes / e.count / 1000, 2)} kB, ${e.ttlSeconds} s`,
          )
          .join("; ")
      : "—";
  const lines = [
    "| operation | cold CPU-ms (gateway, ≤) | warm CPU-ms (gateway, ≤) | answer bytes | Redis commands cold / warm | Redis entries of its first request | Redis entries of each further lookup |",
    "|---|---|---|---|---|---|---|",
    ...Object.entries(inputs.operations).map(([op, m]) => {
      const r = rates[op];
      const cpu = r ? `${f(1000 / r.cold, 2)} | ${f(1000 / r.warm, 3)}` : "— | —";
      return `| ${op} | ${cpu} | ${m.answerBytes} | ${m.redisCommands.cold} / ${m.redisCommands.warm} | ${layers(m.entries)} | ${layers(m.nextEntries)} |`;
    }),
    "",
    "| scenario | requests/s | gateway cores | gateway replicas | subgraph cores | replicas per subgraph | Redis MB | Redis ops/s | Redis cores | platform requests/s |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const [label, scenario, factor] of rows) {
    const m = model(rates, inputs, factor)(scenario);
    lines.push(
      `| ${label} | ${f(m.requests, 0)} | ${f(m.gatewayCores, 2)} | ${m.gatewayReplicas} | ${f(m.subgraphCores, 2)} | ${m.subgraphReplicas} | ${f(m.redisMb)} | ${f(m.redisOps, 0)} | ${f(m.redisCores, 2)} | ${f(m.platformRequests, 0)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function readInputs(): CapacityInputs {
  return JSON.parse(readFileSync(new URL("../docs/capacity-inputs.json", import.meta.url), "utf8"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(
    report(readFileSync(new URL("../bench/RESULTS.md", import.meta.url), "utf8"), readInputs()),
  );
}
