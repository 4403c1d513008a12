// A government gateway must not phone home: every connection the gateway opens goes to a configured
// subgraph (or Redis) on loopback. Connections are intercepted in-process at net.Socket#connect, the one
// door both node:http and undici go through; anything else is recorded and refused before DNS or a packet.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestStack } from "./fixtures.ts";

interface Attempt {
  host: string;
  port: number | null;
}

const attempts: Attempt[] = [];
const REDIS_URL = "redis://127.0.0.1:6379";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "::ffff:127.0.0.1"]);
const originalConnect = net.Socket.prototype.connect;

function destination(args: unknown[]): Attempt | null {
  // node passes either (options, cb), (port, host, cb), or internally [normalizedArgs]
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === "number" || typeof first === "string") {
    if (typeof first === "string" && Number.isNaN(Number(first))) return null; // unix socket path
    return { port: Number(first), host: typeof args[1] === "string" ? args[1] : "localhost" };
  }
  const options = first as { host?: string; port?: number | string; path?: string };
  if (options.path) return null;
  return {
    host: options.host ?? "localhost",
    port: options.port === undefined ? null : Number(options.port),
  };
}

let stack: TestStack;

beforeAll(async () => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const target = destination(args);
    if (target) attempts.push(target);
    if (target && !LOOPBACK.has(target.host)) {
      process.nextTick(() => this.destroy(new Error(`blocked outbound connection to ${target.host}`)));
      return this;
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  // Everything that would make Apollo's libraries report, if they were allowed to.
  process.env.APOLLO_KEY = "service:lienthong:not-a-real-key";
  process.env.APOLLO_GRAPH_REF = "lienthong@current";
  delete process.env.APOLLO_TELEMETRY_DISABLED;

  const { startStack } = await import("./fixtures.ts");
  // Redis configured too: the shared test server, with this run's own rate-limit key prefix.
  stack = await startStack({
    env: { REDIS_URL: REDIS_URL, RATE_LIMIT_PREFIX: `test:nophonehome:${process.pid}:${Date.now()}` },
  });
});

afterAll(async () => {
  await stack?.stop();
  net.Socket.prototype.connect = originalConnect;
});

describe("no phone home", () => {
  it("opens connections only to the subgraphs and Redis on loopback while serving", async () => {
    await stack.post({ query: '{ province(code: "40") { name population } }' });
    await stack.post({ query: "{ nope }" });
    await fetch(`${stack.origin}/`, { headers: { accept: "text/html" } });
    // /ready PINGs Redis; it must answer (a test that needs Redis fails without it)
    expect((await fetch(`${stack.origin}/ready`)).status).toBe(200);
    // usage reporting and telemetry would start on timers; give them room to try
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const gatewayPort = Number(new URL(stack.origin).port);
    const allowedPorts = new Set([gatewayPort, 6379, ...stack.subgraphs.map((s) => s.port)]);
    const outbound = attempts.filter((a) => !LOOPBACK.has(a.host) || !allowedPorts.has(a.port ?? -1));
    expect(outbound).toEqual([]);
    expect(attempts.some((a) => a.port === 6379)).toBe(true);
    expect(attempts.some((a) => stack.subgraphs.some((s) => s.port === a.port))).toBe(true);
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe("true");
  });

  it("the interceptor does catch Apollo's telemetry when it is not disabled (control)", async () => {
    const { ApolloGateway } = await import("@apollo/gateway");
    const before = attempts.length;
    process.env.APOLLO_TELEMETRY_DISABLED = "false";
    const uncontrolled = new ApolloGateway({ supergraphSdl: "" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.env.APOLLO_TELEMETRY_DISABLED = "true";
    await uncontrolled.stop().catch(() => undefined);
    const outbound = attempts.slice(before).filter((a) => !LOOPBACK.has(a.host));
    expect(outbound.length).toBeGreaterThan(0);
  });
});
