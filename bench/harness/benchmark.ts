import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CellDeps, CellResult, CellSettings, ReferenceData } from "./cells.ts";
import { runCell, unmeasuredCell } from "./cells.ts";
import type { GatewayId } from "./gateways.ts";
import { GATEWAYS, gatewayUrl } from "./gateways.ts";
import { createLoadClient } from "./loadClient.ts";
import { freePort } from "./ports.ts";
import type { ProcessGroup, RunningProcess } from "./processes.ts";
import { createSandboxClient } from "./sandboxClient.ts";
import type { PlatformSubgraphOptions, Sandbox, StackDeps, SubgraphStack } from "./stacks.ts";
import { startGuildStack, startPlatformSubgraphs, startSandbox } from "./stacks.ts";
import type { WorkloadId } from "./workloads.ts";
import { WORKLOADS } from "./workloads.ts";

export interface BenchmarkOptions {
  settings: CellSettings;
  gateways: GatewayId[];
  workloads: WorkloadId[];
  /** Our gateway's Redis in its default configuration; null → its in-memory caches. */
  redisUrl: string | null;
  sandboxLatencyMs: number;
  /** When set, every gateway process writes a V8 CPU profile into this directory when it stops. */
  profileDir: string | null;
}

export interface BenchmarkDeps {
  processes: ProcessGroup;
  log(line: string): void;
}

/** One group of cells: which gateways run which workloads against one set of subgraph processes. */
interface Phase {
  name: string;
  startStack(): Promise<SubgraphStack>;
  gateways: GatewayId[];
  workloads: WorkloadId[];
  internalContextSecret: string | null;
  oursEnv: Record<string, string>;
}

/**
 * The public benchmark's query nests lists five deep; with our default assumed list size (10) its estimated cost
 * is about 108,000, far over the default MAX_COST of 5,000 that protects the platform graph. The limit is raised
 * for that workload only, and RESULTS.md says so.
 */
export const GUILD_OURS_ENV = { MAX_COST: "1000000" };

export async function runBenchmark(options: BenchmarkOptions, deps: BenchmarkDeps): Promise<CellResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), "lienthong-bench-"));
  const stackDeps: StackDeps = { processes: deps.processes, workDir, baseEnv: { ...process.env } };
  const load = createLoadClient();
  const reference: ReferenceData = new Map();
  const results: CellResult[] = [];
  const secret = randomBytes(24).toString("base64url");
  const opsToken = randomBytes(24).toString("base64url");
  const jwtSecret = randomBytes(32).toString("base64url");
  let sandbox: Sandbox | null = null;
  try {
    const guildWorkloads = options.workloads.filter((id) => WORKLOADS[id].stack === "guild");
    const platformWorkloads = options.workloads.filter((id) => WORKLOADS[id].stack === "platform");
    const phases: Phase[] = [];
    if (guildWorkloads.length > 0) {
      phases.push({
        name: "guild",
        startStack: () => startGuildStack(stackDeps),
        gateways: options.gateways,
        workloads: guildWorkloads,
        // The Guild subgraphs ignore the header, but our gateway refuses to run in production without a secret.
        internalContextSecret: secret,
        oursEnv: GUILD_OURS_ENV,
      });
    }
    if (platformWorkloads.length > 0) {
      sandbox = await startSandbox(stackDeps);
      phases.push(...platformPhases(sandbox, options, platformWorkloads, secret, stackDeps));
    }
    const sandboxClient = sandbox ? createSandboxClient(sandbox.url) : null;
    if (sandboxClient) deps.log("— sandbox: generating its records");
    await sandboxClient?.prime();
    await sandboxClient?.setLatency(options.sandboxLatencyMs);
    const bodies = new Map<WorkloadId, string[]>();
    for (const id of options.workloads) {
      bodies.set(id, await WORKLOADS[id].bodies({ sandboxUrl: sandbox?.url ?? null }));
    }

    for (const phase of phases) {
      if (phase.gateways.length === 0 || phase.workloads.length === 0) continue;
      deps.log(`— ${phase.name}: starting subgraphs`);
      let stack: SubgraphStack;
      try {
        stack = await phase.startStack();
      } catch (error) {
        const reason = `subgraphs did not start: ${firstLines((error as Error).message)}`;
        deps.log(`  ${reason}`);
        for (const gateway of phase.gateways) {
          results.push(...phase.workloads.map((workload) => failedCell(workload, gateway, reason)));
        }
        continue;
      }
      try {
        for (const gateway of phase.gateways) {
          const cells = await runGateway(gateway, phase, stack, {
            options,
            bodies,
            cellDeps: { load, sandbox: sandboxClient, reference },
            processes: deps.processes,
            launch: { secret: phase.internalContextSecret, opsToken, jwtSecret, baseEnv: stackDeps.baseEnv },
            log: deps.log,
          });
          results.push(...cells);
        }
      } finally {
        await stack.stop();
      }
    }
  } finally {
    load.close();
    await sandbox?.process.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}

/**
 * Peers cannot sign our caller context, so they get subgraphs started without INTERNAL_CONTEXT_SECRET; ours gets
 * the same subgraph code with the secret. Our caches-off gateway runs first so its answers are the reference.
 */
function platformPhases(
  sandbox: Sandbox,
  options: BenchmarkOptions,
  workloads: WorkloadId[],
  secret: string,
  stackDeps: StackDeps,
): Phase[] {
  const redisKeyPrefix = `bench:${randomBytes(6).toString("hex")}:`;
  const subgraphs = (subgraphOptions: Omit<PlatformSubgraphOptions, "redisKeyPrefix">) => () =>
    startPlatformSubgraphs(sandbox, { ...subgraphOptions, redisKeyPrefix }, stackDeps);
  const cold = workloads.filter((id) => WORKLOADS[id].mode === "cold");
  const warm = workloads.filter((id) => WORKLOADS[id].mode === "load");
  const selected = (ids: GatewayId[]) => ids.filter((id) => options.gateways.includes(id));
  return [
    {
      name: "platform, signed context, record cache off",
      startStack: subgraphs({
        name: "signed-nocache",
        internalContextSecret: secret,
        recordCache: false,
        redisUrl: null,
      }),
      gateways: selected(["ours-off"]),
      workloads,
      internalContextSecret: secret,
      oursEnv: {},
    },
    {
      name: "platform, signed context, record cache off (cold cells of our defaults)",
      startStack: subgraphs({
        name: "signed-cold",
        internalContextSecret: secret,
        recordCache: false,
        redisUrl: null,
      }),
      gateways: selected(["ours"]),
      workloads: cold,
      internalContextSecret: secret,
      oursEnv: {},
    },
    {
      name: "platform, signed context, record cache on",
      startStack: subgraphs({
        name: "signed",
        internalContextSecret: secret,
        recordCache: true,
        redisUrl: options.redisUrl,
      }),
      gateways: selected(["ours"]),
      workloads: warm,
      internalContextSecret: secret,
      oursEnv: {},
    },
    {
      name: "platform, no context secret (peers), record cache off",
      startStack: subgraphs({
        name: "unsigned",
        internalContextSecret: null,
        recordCache: false,
        redisUrl: null,
      }),
      gateways: selected(["apollo", "hive"]),
      workloads,
      internalContextSecret: null,
      oursEnv: {},
    },
  ];
}

interface GatewayRunContext {
  options: BenchmarkOptions;
  bodies: Map<WorkloadId, string[]>;
  cellDeps: CellDeps;
  processes: ProcessGroup;
  launch: {
    secret: string | null;
    opsToken: string;
    jwtSecret: string;
    baseEnv: Record<string, string | undefined>;
  };
  log(line: string): void;
}

async function runGateway(
  gatewayId: GatewayId,
  phase: Phase,
  stack: SubgraphStack,
  context: GatewayRunContext,
): Promise<CellResult[]> {
  const gateway = GATEWAYS[gatewayId];
  const port = await freePort();
  const url = gatewayUrl(port);
  let process: RunningProcess;
  // One directory per gateway process: node writes a profile per thread (the tsx loader has its own).
  const profileArgs = context.options.profileDir
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${join(context.options.profileDir, `${gatewayId}-${phase.name.replace(/\W+/g, "-")}`)}`,
      ]
    : [];
  try {
    process = await context.processes.start({
      ...gateway.spec(
        {
          port,
          supergraphPath: stack.supergraphPath,
          internalContextSecret: context.launch.secret,
          redisUrl: gatewayId === "ours" ? context.options.redisUrl : null,
          opsToken: context.launch.opsToken,
          jwtSecret: context.launch.jwtSecret,
          oursEnv: phase.oursEnv,
        },
        context.launch.baseEnv,
      ),
      nodeArgs: profileArgs,
    });
  } catch (error) {
    const reason = `did not start: ${firstLines((error as Error).message)}`;
    context.log(`  ${gatewayId}: ${reason}`);
    return phase.workloads.map((workload) => failedCell(workload, gatewayId, reason));
  }
  const purge = gateway.hasCaches ? () => purgeAll(port, context.launch.opsToken) : null;
  const results: CellResult[] = [];
  try {
    for (const workload of phase.workloads) {
      context.log(`  ${workload} × ${gatewayId}`);
      const result = await runCell(
        WORKLOADS[workload],
        context.bodies.get(workload) ?? [],
        { gateway: gatewayId, url, pid: process.pid, purge },
        context.options.settings,
        // Only platform workloads reach the sandbox; its counters mean nothing for the Guild subgraphs.
        {
          ...context.cellDeps,
          sandbox: WORKLOADS[workload].stack === "platform" ? context.cellDeps.sandbox : null,
        },
      ).catch((error: Error) => failedCell(workload, gatewayId, error.message));
      if (result.status !== "ok") context.log(`    ${result.status}: ${result.note}`);
      results.push(result);
    }
  } finally {
    await process.stop();
  }
  return results;
}

async function purgeAll(port: number, opsToken: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/ops/purge`, {
    method: "POST",
    headers: { authorization: `Bearer ${opsToken}`, "content-type": "application/json" },
    body: JSON.stringify({ scope: "all" }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`purge failed: ${response.status} ${text}`);
}

function firstLines(message: string): string {
  return message.split("\n").slice(0, 6).join(" ");
}

function failedCell(workload: WorkloadId, gateway: GatewayId, note: string): CellResult {
  return { ...unmeasuredCell(WORKLOADS[workload], gateway), status: "FAILED", note };
}
