// Measures what each client operation of schema/operations/ costs in bytes and in Redis commands, on the real stack
// (sandbox, the four subgraphs, a gateway with its defaults) started in this process, and writes
// docs/capacity-inputs.json, the measured input of scripts/capacity.ts:
//
//   npx tsx scripts/measure-answer-bytes.ts
//
// The stack gets a redis-server of its own on a free loopback port, so that every key and every command counted is
// this run's: MEMORY USAGE of each key an operation's first (cold) request leaves, grouped by layer, and the commands
// of its cold and of its warm request (INFO commandstats). Each operation goes in as a client registering its
// persisted query (APQ), so the APQ entry is counted too; CitizenProfile carries an officer's token, the others none.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import { freePort } from "../test/support/index.ts";
import {
  citizenDossiersOfACommune,
  type OperationName,
  readOperation,
  startStack,
} from "../test/support/stack.ts";

const OUTPUT = new URL("../docs/capacity-inputs.json", import.meta.url);

export const LAYERS = ["response", "entity", "apq", "record", "ratelimit"] as const;
type Layer = (typeof LAYERS)[number];

export interface LayerEntries {
  count: number;
  bytes: number;
  /** The longest time to live among them: how long a request's bytes stay in Redis. */
  ttlSeconds: number;
}

export interface OperationCost {
  variables: Record<string, unknown>;
  answerBytes: number;
  cacheControl: string | null;
  redisCommands: { cold: number; warm: number };
  /** What its first request left in Redis. */
  entries: Record<Layer, LayerEntries>;
  /** What one more request with other variables (same commune) added: the part every distinct lookup costs. */
  nextEntries: Record<Layer, LayerEntries> | null;
}

export interface CapacityInputs {
  command: string;
  redisVersion: string;
  operations: Record<OperationName, OperationCost>;
}

/** Gateway keys are `<prefix>lienthong:<layer>:…`, the subgraphs' record cache `<prefix>record:…`. */
function layerOf(key: string): Layer {
  const layer = /lienthong:([a-z]+):/.exec(key)?.[1] ?? (/(^|:)record:/.test(key) ? "record" : undefined);
  if (!LAYERS.includes(layer as Layer)) throw new Error(`a key of no known layer: ${key}`);
  return layer as Layer;
}

async function startRedisServer(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      await probe.ping();
      return { url, process: child };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      probe.disconnect();
    }
  }
  child.kill();
  throw new Error(`redis-server did not start on port ${port}`);
}

/** Commands served since the last CONFIG RESETSTAT, except the ones this script sends to read them. */
async function commandsSinceReset(redis: Redis): Promise<number> {
  const stats = await redis.info("commandstats");
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] !== "config" && match[1] !== "info") calls += Number(match[2]);
  }
  return calls;
}

async function allKeys(redis: Redis): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const key of found) keys.add(key);
  } while (cursor !== "0");
  return keys;
}

async function entriesOf(redis: Redis, keys: string[]): Promise<Record<Layer, LayerEntries>> {
  const entries = Object.fromEntries(
    LAYERS.map((layer) => [layer, { count: 0, bytes: 0, ttlSeconds: 0 }]),
  ) as Record<Layer, LayerEntries>;
  for (const key of keys) {
    const entry = entries[layerOf(key)];
    const [bytes, ttl] = await Promise.all([redis.memory("USAGE", key), redis.ttl(key)]);
    if (ttl < 0) throw new Error(`${key}: no time to live, so its bytes would stay for good`);
    entry.count += 1;
    entry.bytes += bytes ?? 0;
    entry.ttlSeconds = Math.max(entry.ttlSeconds, ttl);
  }
  return entries;
}

async function measure(): Promise<CapacityInputs> {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const stack = await startStack({ redisEnv: { REDIS_URL: server.url } });
  try {
    const { commune, dossiers } = await citizenDossiersOfACommune(stack.sandbox);
    const [filed, other] = dossiers;
    if (!filed || !other) throw new Error(`fewer than two dossiers of citizens in commune ${commune}`);
    const officer = await stack.token({ scopes: ["population:read", "dossier:read"], province: "40" });
    type Variables = Record<string, unknown>;
    const cases: [OperationName, Variables, Variables | null, string | undefined][] = [
      ["ProvinceDashboard", { code: "40" }, null, undefined],
      ["NationalOverview", {}, null, undefined],
      ["CommunePortal", { commune, dossier: filed.code }, { commune, dossier: other.code }, undefined],
      ["CitizenProfile", { id: filed.applicant.id }, { id: other.applicant.id }, officer],
    ];

    const operations = {} as Record<OperationName, OperationCost>;
    for (const [name, variables, next, token] of cases) {
      const query = await readOperation(name);
      const sha256Hash = createHash("sha256").update(query).digest("hex");
      const send = async (variables: Variables) => {
        await redis.config("RESETSTAT");
        const response = await fetch(`${stack.gateway.origin}/graphql`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({
            query,
            variables,
            extensions: { persistedQuery: { version: 1, sha256Hash } },
          }),
        });
        const body = Buffer.from(await response.arrayBuffer());
        const commands = await commandsSinceReset(redis);
        const answer = JSON.parse(body.toString("utf8")) as { errors?: unknown[] };
        if (!response.ok || answer.errors)
          throw new Error(`${name}: HTTP ${response.status} ${body.toString("utf8").slice(0, 300)}`);
        return { bytes: body.length, commands, cacheControl: response.headers.get("cache-control") };
      };
      const writtenBy = async (run: () => Promise<unknown>) => {
        const before = await allKeys(redis);
        await run();
        return [...(await allKeys(redis))].filter((key) => !before.has(key));
      };
      let cold = { bytes: 0, commands: 0, cacheControl: null as string | null };
      const written = await writtenBy(async () => {
        cold = await send(variables);
      });
      const warm = await send(variables);
      if (warm.bytes !== cold.bytes) throw new Error(`${name}: cold and warm answers differ in size`);
      operations[name] = {
        variables,
        answerBytes: cold.bytes,
        cacheControl: cold.cacheControl,
        redisCommands: { cold: cold.commands, warm: warm.commands },
        entries: await entriesOf(redis, written),
        nextEntries: next && (await entriesOf(redis, await writtenBy(() => send(next)))),
      };
    }
    const version = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "unknown";
    return { command: "npx tsx scripts/measure-answer-bytes.ts", redisVersion: version, operations };
  } finally {
    await stack.stop();
    redis.disconnect();
    server.process.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const inputs = await measure();
  writeFileSync(OUTPUT, `${JSON.stringify(inputs, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(inputs.operations, null, 2)}\n`);
  process.exit(0);
}
