// The real entry point (gateway/index.ts) as a process: WORKERS=2 shares one port through node:cluster,
// and SIGTERM stops every worker cleanly.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/index.ts";
import { composeSupergraph, type ToySubgraph } from "../../support/toySubgraph.ts";
import { PLACES_SDL, placesSubgraph } from "./fixtures.ts";

let places: ToySubgraph;
let dir: string;
let gateway: ChildProcess;
let port: number;
let opsPort: number;
const lines: Record<string, unknown>[] = [];

/** A request on its own connection, so the cluster's round robin picks a worker for each. */
function onNewConnection(
  method: string,
  path: string,
  body?: string,
  target = port,
): Promise<{ status: number | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: target,
        method,
        path,
        agent: false,
        headers: { "content-type": "application/json" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

beforeAll(async () => {
  places = placesSubgraph();
  await places.start();
  dir = await mkdtemp(join(tmpdir(), "lienthong-workers-"));
  const supergraphPath = join(dir, "supergraph.graphql");
  await writeFile(supergraphPath, composeSupergraph([{ name: "places", url: places.url, sdl: PLACES_SDL }]));
  port = await freePort();
  opsPort = await freePort();
  gateway = spawn(process.execPath, ["--import", "tsx", "gateway/index.ts"], {
    env: {
      PATH: process.env.PATH,
      GATEWAY_PORT: String(port),
      OPS_PORT: String(opsPort),
      WORKERS: "2",
      SUPERGRAPH_PATH: supergraphPath,
      SHUTDOWN_TIMEOUT_MS: "2000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  createInterface({ input: gateway.stdout! }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      // not a log line
    }
  });
  const deadline = Date.now() + 40_000;
  while (lines.filter((l) => l.msg === "gateway listening").length < 2) {
    if (Date.now() > deadline || gateway.exitCode !== null) throw new Error("workers did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  if (gateway && gateway.exitCode === null) gateway.kill("SIGKILL");
  await places?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("WORKERS=2", () => {
  it("runs two worker processes on one port, both serving GraphQL", async () => {
    const listening = lines.filter((l) => l.msg === "gateway listening");
    expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ provinces { code } }" }),
    });
    expect((await response.json()).data.provinces).toHaveLength(2);
    expect(lines.some((l) => l.msg === "no REDIS_URL: caches are in-memory, per process")).toBe(true);
  });

  it("/metrics on the ops listener sums every worker's counters, whichever worker answers the scrape", async () => {
    const counted = JSON.stringify({ query: "query Counted { provinces { code } }" });
    for (let i = 0; i < 6; i++) await onNewConnection("POST", "/graphql", counted);
    const servedBy = () =>
      lines.filter((l) => l.msg === "graphql request" && l.operation === "Counted").map((l) => l.pid);
    // each worker writes its log line once the response is out; wait for the last one to arrive
    for (let wait = 0; servedBy().length < 6 && wait < 40; wait++)
      await new Promise((r) => setTimeout(r, 50));
    expect(servedBy()).toHaveLength(6);
    expect(new Set(servedBy()).size).toBe(2);
    for (let scrape = 0; scrape < 4; scrape++) {
      const { text } = await onNewConnection("GET", "/metrics", undefined, opsPort);
      expect(text).toMatch(/lienthong_gateway_requests_total\{operation="Counted",outcome="ok"\} 6\n/);
    }
    // Not on the public port without the ops token.
    expect((await onNewConnection("GET", "/metrics")).status).toBe(404);
  });

  it("SIGTERM stops every worker and the primary exits 0", async () => {
    const exited = new Promise<number | null>((resolve) => gateway.once("exit", (code) => resolve(code)));
    gateway.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.filter((l) => l.msg === "gateway stopped")).toHaveLength(2);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it("a worker that cannot start (missing supergraph) makes the primary stop and exit non-zero, not re-fork", async () => {
    const broken = spawn(process.execPath, ["--import", "tsx", "gateway/index.ts"], {
      env: {
        PATH: process.env.PATH,
        GATEWAY_PORT: String(await freePort()),
        WORKERS: "2",
        SUPERGRAPH_PATH: join(dir, "missing.graphql"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    broken.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    broken.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) =>
      broken.once("exit", (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(1);
    expect(output.join("")).toContain("gateway worker failed to start; stopping");
    expect(output.join("")).toContain("missing.graphql");
  });
});
