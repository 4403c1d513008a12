import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports.ts";
import type { ProcessGroup, RunningProcess } from "./processes.ts";
import { rewriteSubgraphUrls } from "./supergraphFile.ts";

/** Subgraphs a gateway under test is pointed at, and the supergraph file describing them. */
export interface SubgraphStack {
  supergraphPath: string;
  stop(): Promise<void>;
}

export interface StackDeps {
  processes: ProcessGroup;
  workDir: string;
  baseEnv: Record<string, string | undefined>;
}

const repoFile = (path: string) => new URL(`../../${path}`, import.meta.url).pathname;

const GUILD_SUBGRAPHS = ["accounts", "products", "reviews", "inventory"] as const;
export const PLATFORM_SUBGRAPHS = ["population", "business", "procedures", "reporting"] as const;

export async function startGuildStack(deps: StackDeps): Promise<SubgraphStack> {
  const port = await freePort();
  const server = await deps.processes.start({
    name: "guild-subgraphs",
    script: repoFile("bench/guild/index.ts"),
    env: { ...deps.baseEnv, GUILD_PORT: String(port), SUBGRAPH_DELAY_MS: "0" },
    readyUrl: `http://127.0.0.1:${port}/health`,
  });
  const urls = Object.fromEntries(GUILD_SUBGRAPHS.map((name) => [name, `http://127.0.0.1:${port}/${name}`]));
  const supergraphPath = join(deps.workDir, `guild-${port}.graphql`);
  writeFileSync(
    supergraphPath,
    rewriteSubgraphUrls(readFileSync(repoFile("bench/guild/supergraph.graphql"), "utf8"), urls),
  );
  return { supergraphPath, stop: () => server.stop() };
}

export interface Sandbox {
  url: string;
  process: RunningProcess;
}

export async function startSandbox(deps: StackDeps): Promise<Sandbox> {
  const port = await freePort();
  const process = await deps.processes.start({
    name: "sandbox",
    script: repoFile("sandbox/index.ts"),
    env: { ...deps.baseEnv, SANDBOX_PORT: String(port), LOG_LEVEL: "warn" },
    readyUrl: `http://127.0.0.1:${port}/health`,
  });
  return { url: `http://127.0.0.1:${port}`, process };
}

export interface PlatformSubgraphOptions {
  /** Name of this configuration, for process names in errors. */
  name: string;
  internalContextSecret: string | null;
  recordCache: boolean;
  redisUrl: string | null;
  /** Unique per run, so records cached by other people's runs on a shared Redis never warm ours. */
  redisKeyPrefix: string;
}

export async function startPlatformSubgraphs(
  sandbox: Sandbox,
  options: PlatformSubgraphOptions,
  deps: StackDeps,
): Promise<SubgraphStack> {
  const ports = await Promise.all(PLATFORM_SUBGRAPHS.map(() => freePort()));
  const started = await Promise.allSettled(
    PLATFORM_SUBGRAPHS.map((name, index) =>
      deps.processes.start({
        name: `${name} (${options.name})`,
        script: repoFile(`subgraphs/${name}/index.ts`),
        env: {
          ...deps.baseEnv,
          [`${name.toUpperCase()}_PORT`]: String(ports[index]),
          PLATFORM_BASE_URL: sandbox.url,
          RECORD_CACHE: options.recordCache ? "on" : "off",
          REDIS_URL: options.redisUrl ?? undefined,
          REDIS_KEY_PREFIX: options.redisUrl ? options.redisKeyPrefix : undefined,
          INTERNAL_CONTEXT_SECRET: options.internalContextSecret ?? undefined,
          LOG_LEVEL: "warn",
        },
        readyUrl: `http://127.0.0.1:${ports[index]}/health`,
      }),
    ),
  );
  const running = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stop = async () => {
    await Promise.all(running.map((each) => each.stop()));
  };
  const failure = started.find((result) => result.status === "rejected");
  if (failure) {
    await stop();
    throw failure.reason;
  }
  const urls = Object.fromEntries(
    PLATFORM_SUBGRAPHS.map((name, index) => [name, `http://127.0.0.1:${ports[index]}/graphql`]),
  );
  const supergraphPath = join(deps.workDir, `platform-${options.name}.graphql`);
  writeFileSync(
    supergraphPath,
    rewriteSubgraphUrls(readFileSync(repoFile("schema/supergraph.graphql"), "utf8"), urls),
  );
  return { supergraphPath, stop };
}
