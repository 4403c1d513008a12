// npm start: the whole stack on one machine. The sandbox and the four subgraphs first, then the gateway,
// each a child process with its output prefixed by its name; stops them all on Ctrl-C/SIGTERM, and all of
// them (exiting non-zero) when one dies.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { deriveContextKey, encodeContextKey } from "../common/signedContext.ts";
import { GATEWAY_V8_FLAGS } from "../gateway/v8Flags.ts";

interface Service {
  name: string;
  entry: string;
  port: number;
  nodeFlags?: readonly string[];
}

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
const env = process.env;
const portOf = (variable: string, fallback: number) => Number(env[variable] ?? fallback);

const SANDBOX: Service = { name: "sandbox", entry: "sandbox/index.ts", port: portOf("SANDBOX_PORT", 4010) };
const SUBGRAPHS: Service[] = [
  { name: "population", entry: "subgraphs/population/index.ts", port: portOf("POPULATION_PORT", 4001) },
  { name: "business", entry: "subgraphs/business/index.ts", port: portOf("BUSINESS_PORT", 4002) },
  { name: "procedures", entry: "subgraphs/procedures/index.ts", port: portOf("PROCEDURES_PORT", 4003) },
  { name: "reporting", entry: "subgraphs/reporting/index.ts", port: portOf("REPORTING_PORT", 4004) },
];
const GATEWAY: Service = {
  name: "gateway",
  entry: "gateway/index.ts",
  port: portOf("GATEWAY_PORT", 4000),
  nodeFlags: GATEWAY_V8_FLAGS,
};
/** The gateway's ops listener (loopback): /status, /metrics and detailed /ready without a token. */
const OPS_PORT = portOf("OPS_PORT", 9464);
const NAME_WIDTH = Math.max(...[SANDBOX, ...SUBGRAPHS, GATEWAY].map((s) => s.name.length));
const COLORS = [36, 33, 32, 35, 34, 31, 96];

const say = (message: string) => process.stdout.write(`${"start".padEnd(NAME_WIDTH)} | ${message}\n`);

/** The environment every child starts from: the context secret, and URLs that follow any port overrides. */
function childEnvironment(): NodeJS.ProcessEnv {
  const shared: NodeJS.ProcessEnv = { ...env };
  if (!shared.INTERNAL_CONTEXT_SECRET) {
    shared.INTERNAL_CONTEXT_SECRET = randomBytes(32).toString("base64url");
    say(
      "INTERNAL_CONTEXT_SECRET not set: generated one for this run (the gateway holds it, each subgraph only its own derived key)",
    );
  }
  shared.PLATFORM_BASE_URL ??= `http://${HOST}:${SANDBOX.port}`;
  shared.OPS_PORT ??= String(OPS_PORT);
  for (const subgraph of SUBGRAPHS) {
    shared[`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`] ??= `http://${HOST}:${subgraph.port}/graphql`;
  }
  return shared;
}

/** As in production: only the gateway holds the secret; a subgraph gets its own key, which signs for nobody else. */
function serviceEnvironment(shared: NodeJS.ProcessEnv, service: Service): NodeJS.ProcessEnv {
  if (service === GATEWAY) return shared;
  const { INTERNAL_CONTEXT_SECRET: secret, ...rest } = shared;
  if (!SUBGRAPHS.includes(service)) return rest;
  return { ...rest, INTERNAL_CONTEXT_KEY: encodeContextKey(deriveContextKey(secret!, service.name)) };
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string, out: NodeJS.WriteStream) {
  createInterface({ input: stream }).on("line", (line) => out.write(`${prefix}${line}\n`));
}

/** The child processes of one run: launched with prefixed output, watched, and stopped together. */
function createSupervisor(childEnv: NodeJS.ProcessEnv) {
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  function launch(service: Service, index: number) {
    const child = spawn(process.execPath, [...(service.nodeFlags ?? []), "--import", "tsx", service.entry], {
      env: serviceEnvironment(childEnv, service),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const label = service.name.padEnd(NAME_WIDTH);
    const prefix = process.stdout.isTTY
      ? `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m | `
      : `${label} | `;
    prefixLines(child.stdout!, prefix, process.stdout);
    prefixLines(child.stderr!, prefix, process.stderr);
    child.on("exit", (code, signal) => {
      children.delete(service.name);
      if (stopping) return;
      say(`${service.name} exited (${signal ?? `code ${code}`}); stopping everything`);
      void stopAll(1);
    });
    children.set(service.name, child);
  }

  async function waitForHealth(service: Service): Promise<void> {
    const url = `http://${HOST}:${service.port}/health`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!stopping) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`${service.name} did not answer ${url} within ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function stopAll(exitCode: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    const exits = [...children.values()].map(
      (child) => new Promise<void>((resolve) => child.once("exit", () => resolve())),
    );
    for (const child of children.values()) child.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const child of children.values()) child.kill("SIGKILL");
    }, STOP_TIMEOUT_MS);
    await Promise.all(exits);
    clearTimeout(timer);
    process.exit(exitCode);
  }

  return { launch, waitForHealth, stopAll, stopping: () => stopping };
}

async function main() {
  const supervisor = createSupervisor(childEnvironment());
  process.on("SIGINT", () => void supervisor.stopAll(0));
  process.on("SIGTERM", () => void supervisor.stopAll(0));
  say(
    env.REDIS_URL
      ? "REDIS_URL set: caches, APQ and rate limits are shared through Redis"
      : "no REDIS_URL: every cache runs in memory inside its own process (set REDIS_URL to share them)",
  );

  try {
    const backends = [SANDBOX, ...SUBGRAPHS];
    for (const [index, service] of backends.entries()) supervisor.launch(service, index);
    await Promise.all(backends.map(supervisor.waitForHealth));
    supervisor.launch(GATEWAY, backends.length);
    await supervisor.waitForHealth(GATEWAY);
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    await supervisor.stopAll(1);
  }
  if (supervisor.stopping()) return;

  const endpoint = `http://${HOST}:${GATEWAY.port}/graphql`;
  const sample = JSON.stringify({ query: '{ province(code: "40") { name communeCount } }' });
  say(`ready: sandbox, ${SUBGRAPHS.map((s) => s.name).join(", ")} and the gateway are up`);
  say(`GraphQL endpoint: ${endpoint}`);
  say(`explorer: http://${HOST}:${GATEWAY.port}/   (GraphiQL with the example operations)`);
  say(`status page: http://${HOST}:${OPS_PORT}/status   metrics: http://${HOST}:${OPS_PORT}/metrics`);
  say(`try: curl -s ${endpoint} -H 'content-type: application/json' -d '${sample}'`);
  say(`protected fields need a token: npm run token -- --scope "population:read dossier:read" --province 40`);
  say("Ctrl-C stops everything");
}

void main();
