// Two whole stacks side by side, cold ProvinceDashboards alternating between them: the method bench/PROFILES.md uses
// to tell a change of a few milliseconds from a machine's drift, which separate bench cells a minute apart cannot.
//
//   npx tsx scripts/compare-cold.ts [--against <git rev>] [--a KEY=VALUE]… [--b KEY=VALUE]…
//                                   [--runs 150] [--warm 1000] [--province 40] [--latency 5]
//
// Stack A runs this working tree; stack B runs `--against` (checked out in a temporary git worktree that shares this
// tree's node_modules) or, without it, this tree too. `--a`/`--b` add environment variables to one side, so the same
// code can be compared under two configurations (`--b RESPONSE_CACHE=off --b FETCH_CACHE=off`); with neither, the two
// sides are identical and the difference between them is the noise of this machine.
//
// Each stack is `scripts/start.ts` on free loopback ports, with the sandbox at `--latency` ms, the subgraphs' record
// caches off, no rate limit and its caches in memory. After `--warm` unmeasured rounds, each round purges every cache of
// each gateway (`POST /ops/purge {"scope":"all"}`), resets its sandbox's request log, sends one cold dashboard and reads
// the log back, A first in even rounds and B first in odd ones. Per side it prints the client's p50/p90, the floor
// (slowest chain of platform calls), the phases of scripts/coldPhases.ts, and the CPU each process spent per
// dashboard (`process_cpu_seconds_total` of each /metrics; the sandbox has none).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { postGraphQL } from "../bench/harness/graphqlClient.ts";
import { nearestRank } from "../bench/harness/latency.ts";
import { purgeAll } from "../bench/harness/opsPurge.ts";
import { freePort } from "../bench/harness/ports.ts";
import { createSandboxClient, type SandboxClient } from "../bench/harness/sandboxClient.ts";
import { type ColdPhases, coldPhases, medianPhases } from "./coldPhases.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SUBGRAPHS = ["population", "business", "procedures", "reporting"] as const;
const READY_TIMEOUT_MS = 120_000;

interface Stack {
  name: string;
  gateway: string;
  ops: string;
  sandboxClient: SandboxClient;
  subgraphs: Record<(typeof SUBGRAPHS)[number], string>;
  opsToken: string;
  child: ChildProcess;
}

interface Side {
  stack: Stack;
  latencies: number[];
  phases: ColdPhases[];
}

function parseEnvPairs(pairs: string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (pairs ?? []).map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new Error(`expected KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
}

/** A detached checkout of `rev` that resolves packages from this tree's node_modules. */
function worktreeOf(rev: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "lienthong-cold-"));
  git(["worktree", "add", "--detach", "--force", dir, rev]);
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  let removed = false;
  return {
    dir,
    remove: () => {
      if (removed) return;
      removed = true;
      git(["worktree", "remove", "--force", dir]);
    },
  };
}

async function startStack(name: string, dir: string, extraEnv: Record<string, string>, latencyMs: number) {
  const [gateway, ops, sandbox, ...subgraphPorts] = await Promise.all(
    Array.from({ length: 3 + SUBGRAPHS.length }, () => freePort()),
  );
  const opsToken = randomBytes(16).toString("hex");
  const { REDIS_URL: _sharedRedis, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    SANDBOX_LATENCY_MS: String(latencyMs),
    RECORD_CACHE: "off",
    RATE_LIMIT: "off",
    LOG_LEVEL: "warn",
    OPS_TOKEN: opsToken,
    GATEWAY_PORT: String(gateway),
    OPS_PORT: String(ops),
    SANDBOX_PORT: String(sandbox),
    // Two stacks given the same Redis must not read each other's entries.
    REDIS_KEY_PREFIX: `compare-cold-${name}-${opsToken.slice(0, 8)}:`,
    ...Object.fromEntries(
      SUBGRAPHS.map((subgraph, i) => [`${subgraph.toUpperCase()}_PORT`, String(subgraphPorts[i])]),
    ),
    ...extraEnv,
  };
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: dir,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString("utf8")).slice(-4000);
  });
  const url = (port: number | undefined) => `http://127.0.0.1:${port}`;
  const stack: Stack = {
    name,
    gateway: `${url(gateway)}/graphql`,
    ops: url(ops),
    sandboxClient: createSandboxClient(url(sandbox)),
    subgraphs: Object.fromEntries(
      SUBGRAPHS.map((subgraph, i) => [subgraph, url(subgraphPorts[i])]),
    ) as Stack["subgraphs"],
    opsToken,
    child,
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stack ${name} exited:\n${errors}`);
    try {
      const reply = await postDashboard(stack, dashboardBody("40"));
      if (reply.ok) return stack;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`stack ${name} not ready within ${READY_TIMEOUT_MS} ms:\n${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function stopStack(stack: Stack): Promise<void> {
  if (stack.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    stack.child.once("exit", () => resolve());
    stack.child.kill("SIGTERM");
  });
}

const DASHBOARD = readFileSync(join(ROOT, "schema/operations/ProvinceDashboard.graphql"), "utf8");

function dashboardBody(province: string): string {
  return JSON.stringify({
    query: DASHBOARD,
    operationName: "ProvinceDashboard",
    variables: { code: province },
  });
}

/** The dashboard as the bench's cold cell sends it (same client, same body). */
async function postDashboard(stack: Stack, body: string): Promise<{ ok: boolean; problem: string }> {
  const reply = await postGraphQL(stack.gateway, body);
  const ok = reply.status >= 200 && reply.status <= 299 && reply.errors.length === 0;
  return { ok, problem: `HTTP ${reply.status} ${reply.errors.slice(0, 3).join("; ")}` };
}

/** One cold dashboard: how long it took, and its phases (null when the sandbox log lacks them). */
async function coldRequest(stack: Stack, body: string): Promise<{ ms: number; phases: ColdPhases | null }> {
  await purgeAll(stack.ops, stack.opsToken);
  const resetSent = performance.now();
  await stack.sandboxClient.resetStats();
  const sent = performance.now();
  const reply = await postDashboard(stack, body);
  const answered = performance.now();
  if (!reply.ok) throw new Error(`stack ${stack.name}: ${reply.problem}`);
  const stats = await stack.sandboxClient.stats();
  // The log's clock starts when the sandbox handled the reset, somewhere within its round trip: take the middle.
  const sentOnLogClock = (sent - resetSent) / 2;
  return {
    ms: answered - sent,
    phases: coldPhases(stats.requests, sentOnLogClock, sentOnLogClock + answered - sent),
  };
}

async function cpuSeconds(stack: Stack): Promise<Record<string, number>> {
  const read = async (url: string) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    // Subgraphs label every metric with their name: `process_cpu_seconds_total{subgraph="population"} 1.23`.
    const found = /^process_cpu_seconds_total(?:\{[^}]*\})? (\S+)$/m.exec(text);
    return found ? Number(found[1]) : Number.NaN;
  };
  const entries = await Promise.all([
    read(stack.ops).then((seconds) => ["gateway", seconds] as const),
    ...SUBGRAPHS.map((subgraph) =>
      read(stack.subgraphs[subgraph]).then((seconds) => [subgraph, seconds] as const),
    ),
  ]);
  return Object.fromEntries(entries);
}

function percentile(values: number[], p: number): number {
  return nearestRank(Float64Array.from(values).sort(), p / 100);
}

function report(side: Side, before: Record<string, number>, after: Record<string, number>): string {
  const median = medianPhases(side.phases);
  const runs = side.latencies.length;
  const cpu = Object.keys(before)
    .map((name) => `${name} ${(((after[name]! - before[name]!) * 1000) / runs).toFixed(1)}`)
    .join(", ");
  const p50 = percentile(side.latencies, 50);
  return [
    `stack ${side.stack.name}: p50 ${p50.toFixed(1)} ms, p90 ${percentile(side.latencies, 90).toFixed(1)} ms, ` +
      `floor ${median.floor.toFixed(1)} ms (p50 ÷ floor ${(p50 / median.floor).toFixed(2)}×), ` +
      `${median.platformCalls} platform calls`,
    `  phases (ms after sending, medians): reporting calls ${median.firstReportingCallStart.toFixed(1)}–` +
      `${median.lastReportingCallEnd.toFixed(1)}, statistics calls start ${median.firstStatisticsCallStart.toFixed(1)}–` +
      `${median.lastStatisticsCallStart.toFixed(1)}, answered by ${median.lastStatisticsCallEnd.toFixed(1)}, ` +
      `client has it at ${median.answered.toFixed(1)}`,
    `  statistics calls (start–answered): ${Object.entries(median.statisticsCalls)
      .map(([endpoint, { start, end }]) => `${endpoint.split("/")[1]} ${start.toFixed(1)}–${end.toFixed(1)}`)
      .join(", ")}`,
    `  CPU-ms per dashboard: ${cpu}`,
  ].join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: {
      against: { type: "string" },
      a: { type: "string", multiple: true },
      b: { type: "string", multiple: true },
      runs: { type: "string", default: "150" },
      warm: { type: "string", default: "1000" },
      province: { type: "string", default: "40" },
      latency: { type: "string", default: "5" },
    },
  });
  const runs = Number(values.runs);
  const warm = Number(values.warm);
  const body = dashboardBody(values.province);
  const latency = Number(values.latency);
  if (!(runs > 0 && warm >= 0 && latency >= 0))
    throw new Error("--runs must be > 0, --warm and --latency ≥ 0");
  const worktree = values.against ? worktreeOf(values.against) : null;
  const stacks: Stack[] = [];
  const cleanUp = async () => {
    await Promise.all(stacks.map(stopStack));
    worktree?.remove();
  };
  // Interrupted, it still stops both stacks and drops the worktree rather than leaving them to the next run.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  try {
    console.log(
      `A: this tree ${JSON.stringify(parseEnvPairs(values.a))}; B: ${values.against ?? "this tree"} ${JSON.stringify(parseEnvPairs(values.b))}`,
    );
    stacks.push(await startStack("A", ROOT, parseEnvPairs(values.a), latency));
    stacks.push(await startStack("B", worktree?.dir ?? ROOT, parseEnvPairs(values.b), latency));
    const sides: Side[] = stacks.map((stack) => ({ stack, latencies: [], phases: [] }));
    for (let round = 0; round < warm; round++) {
      for (const side of sides) await coldRequest(side.stack, body);
    }
    const before = await Promise.all(stacks.map(cpuSeconds));
    for (let round = 0; round < runs; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const { ms, phases } = await coldRequest(side.stack, body);
        side.latencies.push(ms);
        if (phases) side.phases.push(phases);
      }
    }
    const after = await Promise.all(stacks.map(cpuSeconds));
    console.log(`${runs} cold dashboards each after ${warm} unmeasured rounds, sandbox at ${latency} ms`);
    for (const [i, side] of sides.entries()) console.log(report(side, before[i]!, after[i]!));
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
