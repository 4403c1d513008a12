// Item 11 of issue 10: losing Redis must not take the gateway out of its load balancer. Every cache fails open, so the
// gateway still answers: /ready stays 200 and says `degraded`; the ops listener and a metric say why.
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../../support/index.ts";
import type { Stack, StackGateway } from "../../support/stack.ts";
import { startSecurityStack } from "./stack.ts";

const QUERY = '{ province(code: "40") { code name } }';

let stack: Stack;
let gateway: StackGateway;
let redis: ChildProcess;

/** A Redis of this test's own, so stopping it harms nobody else's tests. */
async function startPrivateRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve();
    });
  });
  return child;
}

beforeAll(async () => {
  const port = await freePort();
  redis = await startPrivateRedis(port);
  stack = await startSecurityStack({ REDIS_URL: `redis://127.0.0.1:${port}` });
  gateway = stack.gateway;
}, 120_000);

afterAll(async () => {
  if (redis.exitCode === null) redis.kill("SIGKILL");
  await stack?.stop();
});

const readyOf = async (origin: string) => {
  const response = await fetch(`${origin}/ready`);
  return { status: response.status, body: await response.json() };
};

it("with Redis stopped, /ready stays 200 (degraded), the ops listener names Redis, and queries are answered", async () => {
  const { origin } = gateway;
  expect(await readyOf(origin)).toEqual({ status: 200, body: { status: "ready" } });
  expect((await (await gateway.post({ query: QUERY })).json()).data.province.code).toBe("40");

  const exited = new Promise((resolve) => redis.once("exit", resolve));
  redis.kill("SIGTERM");
  await exited;

  expect(await readyOf(origin)).toEqual({ status: 200, body: { status: "degraded" } });
  const detailed = await readyOf(gateway.opsOrigin);
  expect(detailed.status).toBe(200);
  expect(detailed.body).toMatchObject({ status: "degraded", checks: { supergraph: "ok" } });
  expect(detailed.body.reasons).toEqual([expect.stringMatching(/^redis: /)]);
  expect(await (await fetch(`${gateway.opsOrigin}/metrics`)).text()).toMatch(
    /^lienthong_gateway_redis_up 0$/m,
  );

  const answer = await gateway.post({ query: QUERY });
  expect(answer.status).toBe(200);
  expect(answer.headers.get("x-cache")).toBe("BYPASS");
  expect((await answer.json()).data.province).toEqual({ code: "40", name: "Nghệ An" });
});
