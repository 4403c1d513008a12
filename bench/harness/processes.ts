import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { readPeakRssKb } from "./peakRss.ts";

export interface ProcessSpec {
  name: string;
  /** TypeScript entry point, run with node + the tsx loader (no wrapper process, so pid is the server). */
  script: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  env: Record<string, string | undefined>;
  /** Answers 2xx once the process serves requests. */
  readyUrl: string;
  /** Optional body: the ready probe POSTs it (GraphQL endpoints without a health route). */
  readyBody?: string;
  startTimeoutMs?: number;
}

export interface RunningProcess {
  name: string;
  pid: number;
  peakRssKb(): number | null;
  /** Last lines of stdout/stderr, for error reports when the process misbehaves. */
  outputTail(): string;
  stop(): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 4000;

/** Every process the harness started, so an interrupted run can stop them instead of orphaning them. */
export interface ProcessGroup {
  start(spec: ProcessSpec): Promise<RunningProcess>;
  stopAll(): Promise<void>;
}

export function createProcessGroup(): ProcessGroup {
  const running = new Set<RunningProcess>();
  return {
    start: (spec) =>
      startProcess(spec, (process) => {
        running.add(process);
        const stop = process.stop;
        process.stop = async () => {
          await stop();
          running.delete(process);
        };
      }),
    stopAll: async () => {
      await Promise.all([...running].map((process) => process.stop()));
    },
  };
}

async function startProcess(
  spec: ProcessSpec,
  onSpawn: (process: RunningProcess) => void,
): Promise<RunningProcess> {
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), "--import", "tsx", spec.script], {
    env: spec.env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const running: RunningProcess = {
    name: spec.name,
    pid: child.pid ?? -1,
    peakRssKb: () => (child.pid ? readPeakRssKb(child.pid) : null),
    outputTail: () => output,
    stop: () => stopChild(child, exited),
  };
  onSpawn(running);
  try {
    await waitUntilReady(spec, exited, () => output);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

async function waitUntilReady(
  spec: ProcessSpec,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + (spec.startTimeoutMs ?? 60_000);
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`${spec.name} exited before it was ready:\n${output()}`);
    try {
      const response = await fetch(spec.readyUrl, {
        method: spec.readyBody ? "POST" : "GET",
        headers: spec.readyBody ? { "content-type": "application/json" } : {},
        body: spec.readyBody,
        signal: AbortSignal.timeout(2000),
      });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`${spec.name} was not ready at ${spec.readyUrl} within the start timeout:\n${output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!stopped) {
    child.kill("SIGKILL");
    await exited;
  }
}
