import { describe, expect, it } from "vitest";
import { GatewayConfigError, loadGatewayConfig, redactConfig } from "../../../gateway/config.ts";

describe("gateway config", () => {
  it("runs locally with no environment at all", () => {
    const config = loadGatewayConfig({});
    expect(config.server).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      workers: 1,
      maxBodyBytes: 102_400,
      introspection: true,
    });
    expect(config.supergraph.path).toBe("schema/supergraph.graphql");
    expect(config.redis.connection).toBeNull();
    expect(config.resilience.timeoutMs).toBe(10_000);
    expect(config.demandControl).toMatchObject({
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 2000,
      maxBatch: 10,
    });
    expect(config.apq.enabled).toBe(true);
    expect(config.responseCache.enabled).toBe(true);
    expect(config.fetchCache.enabled).toBe(true);
    expect(config.dedup.enabled).toBe(true);
    expect(config.ops.token).toBeNull();
    expect(config.internalContext.secret).toBeNull();
  });

  it("reads switches, per-subgraph overrides and auth knobs", () => {
    const config = loadGatewayConfig({
      RESPONSE_CACHE: "off",
      DEDUP: "off",
      SUBGRAPH_TIMEOUT_MS_REPORTING: "20000",
      SUBGRAPH_URL_POPULATION: "http://population:4001/graphql",
      RATE_LIMIT_POINTS: "50",
      AUTH_JWKS_URL: "https://id.example.gov.vn/.well-known/jwks.json",
      REDIS_KEY_PREFIX: "nghe-an:",
      ENTITY_CACHE_STALE_IF_ERROR_SECONDS: "0",
    });
    expect(config.redis.keyPrefix).toBe("nghe-an:");
    expect(config.fetchCache.staleIfErrorSeconds).toBe(0);
    expect(config.responseCache.enabled).toBe(false);
    expect(config.dedup.enabled).toBe(false);
    expect(config.resilience.timeoutOverridesMs).toEqual({ reporting: 20_000 });
    expect(config.subgraphs.urlOverrides).toEqual({ population: "http://population:4001/graphql" });
    expect(config.rateLimit.points).toBe(50);
    expect(config.authentication.jwksUrl).toBe("https://id.example.gov.vn/.well-known/jwks.json");
  });

  it("production: introspection off by default and a context secret required", () => {
    const production = {
      NODE_ENV: "production",
      AUTH_JWT_SECRET: "a-private-production-secret-of-enough-bytes-0123",
    };
    expect(() => loadGatewayConfig(production)).toThrow(/INTERNAL_CONTEXT_SECRET: required/);
    const config = loadGatewayConfig({ ...production, INTERNAL_CONTEXT_SECRET: "s3cret" });
    expect(config.server.introspection).toBe(false);
    const enabled = loadGatewayConfig({ ...production, INTERNAL_CONTEXT_SECRET: "x", INTROSPECTION: "on" });
    expect(enabled.server.introspection).toBe(true);
  });

  it("reports every invalid value at once", () => {
    let error: unknown;
    try {
      loadGatewayConfig({ GATEWAY_PORT: "seventy", DEDUP: "maybe", SUBGRAPH_TIMEOUT_MS_STATS: "-1" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/GATEWAY_PORT/);
    expect(message).toMatch(/DEDUP/);
    expect(message).toMatch(/SUBGRAPH_TIMEOUT_MS_/);
  });

  it("redacts secrets and Redis credentials for printing", () => {
    const config = loadGatewayConfig({
      INTERNAL_CONTEXT_SECRET: "context-secret",
      OPS_TOKEN: "ops-token",
      AUTH_JWT_SECRET: "jwt-secret",
      REDIS_URL: "redis://user:pass@redis:6379/0",
    });
    const printed = JSON.stringify(redactConfig(config));
    for (const secret of ["context-secret", "ops-token", "jwt-secret", "pass@"])
      expect(printed).not.toContain(secret);
    expect(printed).toContain("redis://***@redis:6379/0");
    expect(config.ops.token).toBe("ops-token");
  });
});
