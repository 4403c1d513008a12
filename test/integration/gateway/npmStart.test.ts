// `npm start` (scripts/start.ts): the whole stack as child processes on free ports, one command, one Ctrl-C.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const NAMES = ["SANDBOX", "POPULATION", "BUSINESS", "PROCEDURES", "REPORTING", "GATEWAY"] as const;
const ports: Record<string, number> = {};
let stack: ChildProcess;
let output = "";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  for (const name of NAMES) ports[name] = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const name of NAMES) env[`${name}_PORT`] = String(ports[name]);
  stack = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  stack.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  stack.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const deadline = Date.now() + 90_000;
  while (!output.includes("Ctrl-C stops everything")) {
    if (Date.now() > deadline || stack.exitCode !== null) throw new Error(`stack did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 100_000);

afterAll(() => {
  if (stack && stack.exitCode === null) stack.kill("SIGKILL");
});

describe("npm start", () => {
  it("says how it runs and where the endpoint is, and the printed sample query answers", async () => {
    expect(output).toContain("INTERNAL_CONTEXT_SECRET not set: generated one for this run");
    expect(output).toContain("no REDIS_URL: every cache runs in memory");
    const endpoint = `http://127.0.0.1:${ports.GATEWAY}/graphql`;
    expect(output).toContain(`GraphQL endpoint: ${endpoint}`);
    const sample = /-d '(\{.*\})'/.exec(output)?.[1];
    expect(sample).toBeDefined();
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: sample,
    });
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.province.name).toBe("Nghệ An");
    expect((await fetch(`http://127.0.0.1:${ports.GATEWAY}/ready`)).status).toBe(200);
  });

  it("prefixes each process's output with its name", () => {
    expect(output).toMatch(/^gateway {4}\| /m);
  });

  it("SIGTERM stops every process and exits 0", async () => {
    const exited = new Promise<number | null>((resolve) => stack.once("exit", (code) => resolve(code)));
    stack.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const name of NAMES) {
      await expect(fetch(`http://127.0.0.1:${ports[name]}/health`), name).rejects.toThrow();
    }
  });
});
