import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CellDeps, CellResult, CellSettings, ReferenceData } from "./cells.ts";
import { runCell, unmeasuredCell } from "./cells.ts";
import { readSubgraphFetches } from "./gatewayMetrics.ts";
import type { GatewayId } from "./gateways.ts";
import { GATEWAYS, gatewayUrl } from "./gateways.ts";
import { createLoadClient } from "./loadClient.ts";
import { purgeAll } from "./opsPurge.ts";
import type { GatewayProcessPlan, PhasePlan, StackKind } from "./plan.ts";
import { freePort } from "./ports.ts";
import type { ProcessGroup, RunningProcess } from "./processes.ts";
import { createSandboxClient } from "./sandboxClient.ts";
import type { Sandbox, StackDeps, SubgraphStack } from "./stacks.ts";
import { startGuildStack, startPlatformSubgraphs, startSandbox } from "./stacks.ts";
import type { WorkloadId } from "./workloads.ts";
import { WORKLOADS } from "./workloads.ts";

export interface BenchmarkOptions {
  settings: CellSettings;
  plan: PhasePlan[];
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

interface Secrets {
  internalContext: string;
  opsToken: string;
  jwt: string;
}

export async function runBenchmark(options: BenchmarkOptions, deps: BenchmarkDeps): Promise<CellResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), "lienthong-bench-"));
  const stackDeps: StackDeps = { processes: deps.processes, workDir, baseEnv: { ...process.env } };
  const load = createLoadClient();
  const reference: ReferenceData = new Map();
  const results: CellResult[] = [];
  const secrets: Secrets = {
    internalContext: randomBytes(24).toString("base64url"),
    opsToken: randomBytes(24).toString("base64url"),
    jwt: randomBytes(32).toString("base64url"),
  };
  const redisKeyPrefix = `bench:${randomBytes(6).toString("hex")}:`;
  const workloads = [
    ...new Set(options.plan.flatMap((phase) => phase.processes.flatMap((process) => process.workloads))),
  ];
  let sandbox: Sandbox | null = null;
  try {
    if (workloads.some((id) => WORKLOADS[id].stack === "platform")) sandbox = await startSandbox(stackDeps);
    const sandboxClient = sandbox ? createSandboxClient(sandbox.url) : null;
    if (sandboxClient) deps.log("— sandbox: generating its records");
    await sandboxClient?.prime();
    await sandboxClient?.setLatency(options.sandboxLatencyMs);
    const bodies = new Map<WorkloadId, string[]>();
    for (const id of workloads)
      bodies.set(id, await WORKLOADS[id].bodies({ sandboxUrl: sandbox?.url ?? null }));

    const startStack = (kind: StackKind): Promise<SubgraphStack> => {
      if (kind === "guild") return startGuildStack(stackDeps);
      if (!sandbox) throw new Error("platform workloads need the sandbox");
      return startPlatformSubgraphs(
        sandbox,
        {
          name: kind,
          internalContextSecret: kind === "unsigned" ? null : secrets.internalContext,
          recordCache: kind === "signed-record-cache-on",
          redisUrl: kind === "signed-record-cache-on" ? options.redisUrl : null,
          redisKeyPrefix,
        },
        stackDeps,
      );
    };

    for (const phase of options.plan) {
      deps.log(`— ${phase.stack}: starting subgraphs`);
      let stack: SubgraphStack;
      try {
        stack = await startStack(phase.stack);
      } catch (error) {
        const reason = `subgraphs did not start: ${firstLines((error as Error).message)}`;
        deps.log(`  ${reason}`);
        for (const planned of phase.processes) results.push(...failedCells(planned, reason));
        continue;
      }
      try {
        for (const planned of phase.processes) {
          results.push(
            ...(await runGateway(planned, phase.stack, stack, {
              options,
              bodies,
              cellDeps: { load, sandbox: sandboxClient, reference },
              processes: deps.processes,
              // The Guild subgraphs ignore the header, but our gateway refuses to run in production without a secret.
              secret: phase.stack === "unsigned" ? null : secrets.internalContext,
              secrets,
              baseEnv: stackDeps.baseEnv,
              log: deps.log,
            })),
          );
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

interface GatewayRunContext {
  options: BenchmarkOptions;
  bodies: Map<WorkloadId, string[]>;
  cellDeps: CellDeps;
  processes: ProcessGroup;
  secret: string | null;
  secrets: Secrets;
  baseEnv: Record<string, string | undefined>;
  log(line: string): void;
}

async function runGateway(
  planned: GatewayProcessPlan,
  stackKind: StackKind,
  stack: SubgraphStack,
  context: GatewayRunContext,
): Promise<CellResult[]> {
  const gatewayId = planned.gateway;
  const gateway = GATEWAYS[gatewayId];
  const port = await freePort();
  const url = gatewayUrl(port);
  let process: RunningProcess;
  // One directory per gateway process: node writes a profile per thread (the tsx loader has its own).
  const profileArgs = context.options.profileDir
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${join(context.options.profileDir, `${gatewayId}-${stackKind}-${planned.workloads.join("-")}`)}`,
      ]
    : [];
  try {
    const spec = gateway.spec(
      {
        port,
        supergraphPath: stack.supergraphPath,
        internalContextSecret: context.secret,
        redisUrl: gateway.hasCaches ? context.options.redisUrl : null,
        opsToken: context.secrets.opsToken,
        jwtSecret: context.secrets.jwt,
        oursEnv: planned.oursEnv,
      },
      context.baseEnv,
    );
    process = await context.processes.start({
      ...spec,
      nodeArgs: [...(spec.nodeArgs ?? []), ...profileArgs],
    });
  } catch (error) {
    const reason = `did not start: ${firstLines((error as Error).message)}`;
    context.log(`  ${gatewayId}: ${reason}`);
    return failedCells(planned, reason);
  }
  const origin = `http://127.0.0.1:${port}`;
  const opsToken = context.secrets.opsToken;
  const target = {
    gateway: gatewayId,
    url,
    pid: process.pid,
    purge: gateway.hasCaches ? () => purgeAll(origin, opsToken) : null,
    subgraphFetches: gateway.family === "ours" ? () => readSubgraphFetches(origin, opsToken) : null,
  };
  const results: CellResult[] = [];
  try {
    for (const workload of planned.workloads) {
      context.log(`  ${workload} × ${gatewayId}`);
      const result = await runCell(
        WORKLOADS[workload],
        context.bodies.get(workload) ?? [],
        target,
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

function firstLines(message: string): string {
  return message.split("\n").slice(0, 6).join(" ");
}

function failedCells(planned: GatewayProcessPlan, note: string): CellResult[] {
  return planned.workloads.map((workload) => failedCell(workload, planned.gateway, note));
}

function failedCell(workload: WorkloadId, gateway: GatewayId, note: string): CellResult {
  return { ...unmeasuredCell(WORKLOADS[workload], gateway), status: "FAILED", note };
}
