// A real Redis Cluster for one test file: Debian's redis-server as child processes on free loopback ports (no
// persistence, a short node timeout so a failover takes seconds), joined by `redis-cli --cluster create`.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../support/index.ts";

const run = promisify(execFile);
const HOST = "127.0.0.1";

export interface RedisClusterOptions {
  masters?: number;
  /** Replicas per master: with one, killing a master promotes its replica (a real failover). */
  replicas?: number;
}

export interface RedisCluster {
  /** `REDIS_CLUSTER_NODES` for gateways and subgraphs: every node of the cluster. */
  env: { REDIS_CLUSTER_NODES: string };
  /** Ports of the nodes serving slots right now. */
  masterPorts(): Promise<number[]>;
  /** SIGKILL: the node vanishes mid-command, as a crashed machine would. */
  kill(port: number): void;
  /** Resolves once every live node reports `cluster_state:ok` (after a failover: the replica took over). */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const NODE_TIMEOUT_MS = 1000;

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-h", HOST, "-p", String(port), ...args], { timeout: 5000 });
  return stdout;
}

async function poll(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const count = (options.masters ?? 3) * (1 + (options.replicas ?? 0));
  const dir = await mkdtemp(join(tmpdir(), "lienthong-redis-cluster-"));
  const nodes = new Map<number, ChildProcess>();

  async function startNode(): Promise<number> {
    // The bus port is named too: the default (port + 10000) may be taken, or beyond 65535.
    const [port, busPort] = [await freePort(), await freePort()];
    const child = spawn(
      "redis-server",
      [
        ...["--port", String(port), "--cluster-port", String(busPort), "--bind", HOST],
        ...["--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${port}.conf`)],
        ...["--cluster-node-timeout", String(NODE_TIMEOUT_MS), "--dir", dir],
        // A replica may take over however long ago it last heard from its master (a fresh one may never have).
        ...["--cluster-replica-validity-factor", "0"],
        ...["--save", "", "--appendonly", "no", "--daemonize", "no"],
        ...["--logfile", join(dir, `redis-${port}.log`)],
      ],
      { stdio: "ignore" },
    );
    nodes.set(port, child);
    await poll(`node ${port} answering`, 10_000, async () => (await cli(port, "ping")).trim() === "PONG");
    return port;
  }

  const live = () => [...nodes].filter(([, child]) => child.exitCode === null && child.signalCode === null);

  async function waitUntilHealthy(timeoutMs = 20_000) {
    await poll("cluster_state:ok on every live node", timeoutMs, async () => {
      const states = await Promise.all(live().map(([port]) => cli(port, "cluster", "info")));
      return states.every((info) => info.includes("cluster_state:ok"));
    });
  }

  async function stop() {
    for (const child of nodes.values()) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }

  let ports: number[];
  try {
    ports = await Promise.all(Array.from({ length: count }, startNode));
    const addresses = ports.map((port) => `${HOST}:${port}`);
    const replicas = String(options.replicas ?? 0);
    await run(
      "redis-cli",
      ["--cluster", "create", ...addresses, "--cluster-replicas", replicas, "--cluster-yes"],
      {
        timeout: 30_000,
      },
    );
    await waitUntilHealthy();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    env: { REDIS_CLUSTER_NODES: ports.map((port) => `${HOST}:${port}`).join(",") },
    async masterPorts() {
      const [[port]] = live() as [[number, ChildProcess]];
      // `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slots…>`: masters holding slots.
      return (await cli(port, "cluster", "nodes"))
        .split("\n")
        .map((line) => line.split(" "))
        .filter((fields) => fields[2]?.includes("master") && !fields[2].includes("fail") && fields[8])
        .map((fields) => Number(fields[1]!.split(":")[1]!.split("@")[0]));
    },
    kill(port) {
      nodes.get(port)?.kill("SIGKILL");
    },
    waitUntilHealthy,
    stop,
  };
}
