// A gateway of the stack as its own OS process (gateway/index.ts, as `npm start` runs it), so replicas sharing Redis
// share nothing else: no module state, no event loop, no in-process cache. Same environment as the stack's in-process
// gateways (test/support/stack.ts), on top of which a test puts its own.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { freePort, redisUrl } from "../../support/index.ts";
import {
  SLOW_SIMULATOR_TIMEOUTS,
  STACK_CONTEXT_SECRET,
  STACK_JWT_SECRET,
  STACK_OPS_TOKEN,
  SUPERGRAPH_PATH,
} from "../../support/stack.ts";

export interface GatewayProcess {
  /** `http://127.0.0.1:<port>`: /graphql and /ops/purge (with the ops token). */
  origin: string;
  /** The ops listener: /metrics. */
  opsOrigin: string;
  pid: number;
  /** POSTs `body` as JSON to /graphql. */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** A metric of the process's /metrics text, summed over the series whose labels contain `labels` (if given). */
  metric(name: string, labels?: string): Promise<number>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 90_000;

/**
 * Starts `gateway/index.ts` with the stack's secrets, `REDIS_KEY_PREFIX` = `keyPrefix` (replicas share it) and `env`
 * (the subgraph URLs, cache knobs); resolves once it logs that it listens.
 */
export async function startGatewayProcess(
  keyPrefix: string,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const port = await freePort();
  const opsPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "gateway/index.ts"], {
    env: {
      PATH: process.env.PATH,
      GATEWAY_PORT: String(port),
      OPS_PORT: String(opsPort),
      SUPERGRAPH_PATH,
      SUPERGRAPH_WATCH: "off",
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: keyPrefix,
      INTERNAL_CONTEXT_SECRET: STACK_CONTEXT_SECRET,
      AUTH_JWT_SECRET: STACK_JWT_SECRET,
      OPS_TOKEN: STACK_OPS_TOKEN,
      SUBGRAPH_TIMEOUT_MS: SLOW_SIMULATOR_TIMEOUTS.SUBGRAPH_TIMEOUT_MS,
      SHUTDOWN_TIMEOUT_MS: "2000",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let listening = false;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.includes('"gateway listening"')) listening = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!listening) {
    if (child.exitCode !== null) throw new Error(`gateway process exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("gateway process did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const opsOrigin = `http://127.0.0.1:${opsPort}`;
  // The first requests must reach the shared caches: wait for the detailed readiness to report Redis up.
  while (Date.now() < deadline) {
    const ready = await fetch(`${opsOrigin}/ready`)
      .then((response) => response.json() as Promise<{ checks?: Record<string, string> }>)
      .catch(() => null);
    if (ready?.checks?.redis === "ok") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    opsOrigin,
    pid: child.pid!,
    post: (body, headers = {}) =>
      fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    async metric(name, labels) {
      const text = await (await fetch(`${opsOrigin}/metrics`)).text();
      let sum = 0;
      for (const line of text.split("\n")) {
        const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
        if (match?.[1] === name && (!labels || (match[2] ?? "").includes(labels))) sum += Number(match[3]);
      }
      return sum;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
