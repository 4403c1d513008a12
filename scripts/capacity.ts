// The capacity model of docs/CAPACITY.md, computed from the measured rates in bench/RESULTS.md:
//   npx tsx scripts/capacity.ts          prints the generated section of docs/CAPACITY.md
// A test (test/unit/deploy/capacity.test.ts) checks that the document carries exactly this output.
import { readFileSync } from "node:fs";

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
/** Redis commands per request (rate limit, APQ, response lookup; more on a miss): assumed, not measured. */
const REDIS_COMMANDS_PER_REQUEST = 4;
const REDIS_OPS_PER_CORE = 80_000;
// Bytes: assumed upper bounds (not measured; see docs/CAPACITY.md).
const BYTES = {
  dashboardAnswer: 40_000,
  overviewAnswer: 12_000,
  entityEntry: 400,
  recordEntry: 1_000,
  privateAnswer: 4_000,
  rateLimitKey: 120,
};
const PRIVATE_TTL_SECONDS = 30;
const RATE_WINDOW_SECONDS = 60;

interface Scenario {
  name: string;
  provinces: number;
  communes: number;
  central: boolean;
}

export function model(rates: Record<string, { cold: number; warm: number }>, factor = 1) {
  const ms = (rate: number) => 1000 / rate;
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
    const redisBytes =
      scenario.provinces * BYTES.dashboardAnswer +
      (scenario.central ? BYTES.overviewAnswer : 0) +
      (scenario.provinces + scenario.communes) * 3 * BYTES.entityEntry +
      (scenario.provinces + scenario.communes) * 4 * BYTES.recordEntry +
      officers * PRIVATE_TTL_SECONDS * BYTES.privateAnswer +
      (portals + officers) * RATE_WINDOW_SECONDS * BYTES.rateLimitKey;
    const redisOps = requests * REDIS_COMMANDS_PER_REQUEST;
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

export function report(markdown: string): string {
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
  const lines = [
    "| operation | cold CPU-ms (gateway, ≤) | warm CPU-ms (gateway, ≤) |",
    "|---|---|---|",
    ...Object.entries(rates).map(([op, r]) => `| ${op} | ${f(1000 / r.cold, 2)} | ${f(1000 / r.warm, 3)} |`),
    "",
    "| scenario | requests/s | gateway cores | gateway replicas | subgraph cores | replicas per subgraph | Redis MB | Redis ops/s | Redis cores | platform requests/s |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const [label, scenario, factor] of rows) {
    const m = model(rates, factor)(scenario);
    lines.push(
      `| ${label} | ${f(m.requests, 0)} | ${f(m.gatewayCores, 2)} | ${m.gatewayReplicas} | ${f(m.subgraphCores, 2)} | ${m.subgraphReplicas} | ${f(m.redisMb)} | ${f(m.redisOps, 0)} | ${f(m.redisCores, 2)} | ${f(m.platformRequests, 0)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(report(readFileSync(new URL("../bench/RESULTS.md", import.meta.url), "utf8")));
}
