// `npm start` (scripts/start.ts) as a user runs it: the whole stack as six child processes on the ports given through
// the environment, its output prefixed per process, an endpoint that answers the printed sample query and the national
// overview, and nothing left running after one SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/index.ts";
import { readOperation, SLOW_SIMULATOR_TIMEOUTS } from "../../support/stack.ts";

const PORT_VARIABLES = [
  "SANDBOX_PORT",
  "POPULATION_PORT",
  "BUSINESS_PORT",
  "PROCEDURES_PORT",
  "REPORTING_PORT",
  "GATEWAY_PORT",
] as const;

interface ChildProcessInfo {
  pid: number;
  commandLine: string;
}

/** Direct children of a process, from /proc (field 4 of /proc/<pid>/stat is the parent pid). */
function childrenOf(parent: number): ChildProcessInfo[] {
  const children: ChildProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== parent) continue;
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      children.push({ pid: Number(entry), commandLine });
    } catch {
      // the process exited while we looked
    }
  }
  return children;
}

/** Alive and not a zombie (an orphan's exit is reaped by whatever runs as PID 1, which may be slow to do it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The processes of `pids` still running after `ms` (an esbuild service ends when its parent's pipe closes). */
async function stillRunningAfter(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(isRunning) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(isRunning);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

let start: ChildProcess;
let children: ChildProcessInfo[] = [];
let started: number[] = [];
let ports: Record<(typeof PORT_VARIABLES)[number], string>;
let endpoint: string;
const output: string[] = [];

beforeAll(async () => {
  ports = Object.fromEntries(
    await Promise.all(PORT_VARIABLES.map(async (name) => [name, String(await freePort())] as const)),
  ) as typeof ports;
  // A clean environment: no REDIS_URL, secret or URL overrides from the developer's shell.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...SLOW_SIMULATOR_TIMEOUTS, ...ports };
  start = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const child = start;
  createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
  endpoint = await new Promise<string>((resolve, reject) => {
    let printed: string | undefined;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output.push(line);
      printed ??= /GraphQL endpoint: (\S+)/.exec(line)?.[1];
      if (printed && line.includes("Ctrl-C stops everything")) resolve(printed);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}):\n${output.join("\n")}`)));
  });
  // Besides the six services, tsx runs an esbuild service as a child when its transform cache misses (after an
  // edit): the services are checked by name, and every child, whatever it is, must be gone after SIGTERM.
  children = childrenOf(child.pid!);
  started = children.map(({ pid }) => pid);
}, 100_000);

afterAll(async () => {
  // Only when a test failed before the SIGTERM test: never leave the stack (or an orphaned child) running.
  if (!start || start.exitCode !== null || start.signalCode !== null) return;
  start.kill("SIGTERM");
  const timer = setTimeout(() => start.kill("SIGKILL"), 20_000);
  await exitOf(start);
  clearTimeout(timer);
  for (const pid of started.filter(isRunning)) process.kill(pid, "SIGKILL");
}, 30_000);

describe("npm start", () => {
  it("runs the six services, says how it runs and where the endpoint is, and the printed sample query answers", async () => {
    const services = children.flatMap(({ commandLine }) => /\S+\/index\.ts/.exec(commandLine) ?? []);
    expect(services.sort()).toEqual([
      "gateway/index.ts",
      "sandbox/index.ts",
      "subgraphs/business/index.ts",
      "subgraphs/population/index.ts",
      "subgraphs/procedures/index.ts",
      "subgraphs/reporting/index.ts",
    ]);
    const text = output.join("\n");
    expect(text).toContain("INTERNAL_CONTEXT_SECRET not set: generated one for this run");
    expect(text).toContain("no REDIS_URL");
    expect(text).toContain("no REDIS_URL: every cache runs in memory");
    expect(endpoint).toBe(`http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`);
    expect(text).toContain(`GraphQL endpoint: ${endpoint}`);
    const sample = /-d '(\{.*\})'/.exec(text)?.[1];
    expect(sample).toBeDefined();
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: sample,
    });
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.province.name).toBe("Nghệ An");
    expect((await fetch(`http://127.0.0.1:${ports.GATEWAY_PORT}/ready`)).status).toBe(200);
  });

  it("prefixes each process's output with its name", () => {
    expect(output.join("\n")).toMatch(/^gateway {4}\| /m);
  });

  it("serves NationalOverview on the configured port", async () => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: await readOperation("NationalOverview") }),
    });
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.nationalTaskProgress).toMatchObject({
      assigned: 3430,
      completed: 1954,
      completionRate: 56.97,
    });
    expect(body.data.provinces).toHaveLength(34);
  }, 60_000);

  it("SIGTERM stops every process and exits 0", async () => {
    start.kill("SIGTERM");
    expect(await exitOf(start)).toBe(0);
    expect(await stillRunningAfter(started, 3000)).toEqual([]);
    for (const name of PORT_VARIABLES) {
      await expect(fetch(`http://127.0.0.1:${ports[name]}/health`), name).rejects.toThrow();
    }
    await expect(fetch(endpoint, { method: "POST" })).rejects.toThrow();
  });
});
