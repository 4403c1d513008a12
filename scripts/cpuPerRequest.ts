import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { WebSocket } from "undici";
import { rewriteSubgraphUrls } from "../bench/harness/supergraphFile.ts";
import { GATEWAY_V8_FLAGS } from "../gateway/v8Flags.ts";

// CPU-ms the gateway process spends per request on the Guild query, every cache and dedup off: its own utime +
// stime from /proc over a window of requests after a warm-up, so neither startup nor the load generator counts.
//
//   npx tsx scripts/cpuPerRequest.ts [--requests 400] [--warmup 200] [--rounds 3] [--profile DIR] TARGET...
//
// TARGET is `own` or `apollo` (EXECUTOR), optionally `@DIR` for a gateway checked out elsewhere (e.g. a
// `git archive` of the commit to compare against, with node_modules linked). All targets run side by side and their
// windows alternate round by round, so a noisy, shared machine weighs on every target alike; the median is reported.
// --profile records a V8 CPU profile of the measured windows only (inspector, after warm-up) into DIR, one per
// target; profiling costs CPU, so read its CPU-ms as relative only.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: "string", default: "400" },
    warmup: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "10" },
    profile: { type: "string" },
  },
});
if (positionals.length === 0) {
  console.error(
    "usage: tsx scripts/cpuPerRequest.ts [--requests N] [--rounds N] [--profile DIR] own|apollo[@DIR]...",
  );
  process.exit(2);
}
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const MS_PER_TICK = 10;

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

function cpuTicks(pid: number): number {
  // Fields after the command name: state is [0], utime [11], stime [12] (proc(5) fields 14 and 15).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {}
    await new Promise((done) => setTimeout(done, 300));
  }
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null ? Promise.resolve() : new Promise((done) => child.once("exit", done));

const work = join(tmpdir(), `cpuPerRequest-${process.pid}`);
mkdirSync(work, { recursive: true });
const guildPort = await freePort();
const guild = spawn("node", ["--import", "tsx", "bench/guild/index.ts"], {
  env: { ...process.env, GUILD_PORT: String(guildPort) },
  stdio: "ignore",
});
const children: ChildProcess[] = [guild];
process.on("exit", () => {
  for (const child of children) child.kill();
});
await waitFor(`http://127.0.0.1:${guildPort}/health`, guild);
const urls = Object.fromEntries(
  ["accounts", "products", "reviews", "inventory"].map((name) => [
    name,
    `http://127.0.0.1:${guildPort}/${name}`,
  ]),
);
const supergraphPath = join(work, "guild.graphql");
writeFileSync(
  supergraphPath,
  rewriteSubgraphUrls(readFileSync("bench/guild/supergraph.graphql", "utf8"), urls),
);
const body = JSON.stringify({ query: readFileSync("bench/guild/query.graphql", "utf8") });

interface Target {
  label: string;
  child: ChildProcess;
  url: string;
  inspector?: Inspector;
  samples: number[];
}

async function startTarget(spec: string): Promise<Target> {
  const [executor = "own", dir] = spec.split("@");
  const port = await freePort();
  const inspectPort = values.profile ? await freePort() : null;
  const child = spawn(
    "node",
    [
      // As every launcher starts it (gateway/v8Flags.ts).
      ...GATEWAY_V8_FLAGS,
      ...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []),
      "--import",
      "tsx",
      "gateway/index.ts",
    ],
    {
      cwd: dir ? resolve(dir) : process.cwd(),
      env: {
        ...process.env,
        EXECUTOR: executor,
        MAX_COST: "1000000",
        SUPERGRAPH_PATH: supergraphPath,
        SUPERGRAPH_WATCH: "off",
        LOG_LEVEL: "warn",
        RESPONSE_CACHE: "off",
        FETCH_CACHE: "off",
        DEDUP: "off",
        RATE_LIMIT: "off",
        GATEWAY_PORT: String(port),
        GATEWAY_HOST: "127.0.0.1",
        WORKERS: "1",
      },
      stdio: ["ignore", "inherit", "pipe"],
    },
  );
  children.push(child);
  // The inspector announces itself on stderr; everything else goes through.
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    if (!/Debugger (listening|attached|ending)|For help, see/.test(text)) process.stderr.write(text);
  });
  await waitFor(`http://127.0.0.1:${port}/health`, child);
  const inspector = inspectPort ? await connectInspector(inspectPort) : undefined;
  return { label: spec, child, url: `http://127.0.0.1:${port}/graphql`, inspector, samples: [] };
}

async function load(url: string, count: number): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent++ < count) {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
      }
    }),
  );
}

interface Inspector {
  send(method: string, params?: object): Promise<Record<string, unknown>>;
  close(): void;
}

async function connectInspector(port: number): Promise<Inspector> {
  const [page] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  if (!page) throw new Error("no inspector target");
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((done, fail) => {
    socket.addEventListener("open", done, { once: true });
    socket.addEventListener("error", fail, { once: true });
  });
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  let nextId = 1;
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown> };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
  });
  return {
    send: (method, params = {}) =>
      new Promise((done) => {
        const id = nextId++;
        pending.set(id, done);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

const targets: Target[] = [];
for (const spec of positionals) targets.push(await startTarget(spec));
for (const target of targets) {
  await load(target.url, Number(values.warmup));
  await target.inspector?.send("Profiler.enable");
  await target.inspector?.send("Profiler.setSamplingInterval", { interval: 200 });
}
for (let round = 0; round < Number(values.rounds); round++) {
  for (const target of targets) {
    const pid = target.child.pid ?? 0;
    await target.inspector?.send("Profiler.start");
    const ticksBefore = cpuTicks(pid);
    const started = Date.now();
    await load(target.url, requests);
    const cpuMs = ((cpuTicks(pid) - ticksBefore) * MS_PER_TICK) / requests;
    const rate = (requests * 1000) / (Date.now() - started);
    if (target.inspector) {
      const { profile } = await target.inspector.send("Profiler.stop");
      // One file per target and round: bench/profile.ts reads one profile at a time.
      mkdirSync(values.profile ?? work, { recursive: true });
      const file = join(
        values.profile ?? work,
        `${target.label.replace(/[^\w.-]+/g, "_")}-${round}.cpuprofile`,
      );
      writeFileSync(file, JSON.stringify(profile));
    }
    target.samples.push(cpuMs);
    console.log(
      `round ${round + 1} ${target.label}: ${cpuMs.toFixed(2)} CPU-ms/request (${rate.toFixed(0)} req/s)`,
    );
  }
}
for (const target of targets) {
  const sorted = [...target.samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  console.log(
    `${target.label}: median ${median.toFixed(2)} CPU-ms/request over ${sorted.length} rounds of ${requests}`,
  );
  target.inspector?.close();
  target.child.kill();
  await exited(target.child);
}
guild.kill();
process.exit(0);
