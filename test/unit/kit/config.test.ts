import { describe, expect, it } from "vitest";
import { deriveContextKey, encodeContextKey } from "../../../common/signedContext.ts";
import { loadSubgraphConfig, redactedConfig } from "../../../subgraphs/kit/config.ts";

describe("subgraph configuration", () => {
  it("runs locally with no environment at all", () => {
    const config = loadSubgraphConfig("business", {});
    expect(config).toMatchObject({
      port: 4002,
      platformUrl: "http://127.0.0.1:4010/business/v1",
      redis: null,
      recordCache: true,
      contextKey: null,
      upstreamTimeoutMs: 5000,
      upstreamRetries: 2,
    });
  });

  it("takes the platform base, a per-platform override and the subgraph's own port", () => {
    const env = { PLATFORM_BASE_URL: "http://sandbox:4010/", REPORTING_PORT: "5004", RECORD_CACHE: "off" };
    expect(loadSubgraphConfig("population", env).platformUrl).toBe("http://sandbox:4010/population/v1");
    expect(loadSubgraphConfig("reporting", env)).toMatchObject({ port: 5004, recordCache: false });
    const overridden = loadSubgraphConfig("population", {
      POPULATION_PLATFORM_URL: "https://lgsp.example/dan-cu/v1",
    });
    expect(overridden.platformUrl).toBe("https://lgsp.example/dan-cu/v1");
  });

  it("says which setting is wrong", () => {
    expect(() => loadSubgraphConfig("population", { POPULATION_PORT: "http" })).toThrow(/POPULATION_PORT/);
    expect(() => loadSubgraphConfig("population", { RECORD_CACHE: "maybe" })).toThrow(/RECORD_CACHE/);
    expect(() => loadSubgraphConfig("population", { INTERNAL_CONTEXT_SECRET: "short" })).toThrow(
      "INTERNAL_CONTEXT_SECRET: must be at least 16 characters",
    );
  });

  it("holds only its own key: given directly, or derived from the gateway's secret outside production", () => {
    const secret = "the-gateway-secret-0123456789";
    const own = deriveContextKey(secret, "population");
    expect(loadSubgraphConfig("population", { INTERNAL_CONTEXT_SECRET: secret }).contextKey).toEqual(own);
    const key = encodeContextKey(own);
    const production = { NODE_ENV: "production", INTERNAL_CONTEXT_KEY: key };
    expect(loadSubgraphConfig("population", production).contextKey).toEqual(own);
    expect(() => loadSubgraphConfig("population", { INTERNAL_CONTEXT_KEY: "too-short" })).toThrow(
      /INTERNAL_CONTEXT_KEY: must be 32 bytes/,
    );
    expect(() =>
      loadSubgraphConfig("population", { INTERNAL_CONTEXT_KEY: key, INTERNAL_CONTEXT_SECRET: secret }),
    ).toThrow(/set one, not both/);
  });

  it("refuses production without its own key, and with the secret that signs for every subgraph", () => {
    expect(() => loadSubgraphConfig("business", { NODE_ENV: "production" })).toThrow(
      /INTERNAL_CONTEXT_KEY: required when NODE_ENV=production/,
    );
    expect(() =>
      loadSubgraphConfig("business", {
        NODE_ENV: "production",
        INTERNAL_CONTEXT_SECRET: "the-gateway-secret-0123456789",
      }),
    ).toThrow(/INTERNAL_CONTEXT_SECRET: not accepted when NODE_ENV=production/);
  });

  it("never prints the secret or Redis credentials", () => {
    const config = loadSubgraphConfig("population", {
      INTERNAL_CONTEXT_SECRET: "a-very-secret-value-indeed",
      REDIS_URL: "redis://user:hunter2@redis:6379",
    });
    const printed = JSON.stringify(redactedConfig(config));
    expect(printed).not.toContain("a-very-secret-value-indeed");
    expect(printed).not.toContain(
      encodeContextKey(deriveContextKey("a-very-secret-value-indeed", "population")),
    );
    expect(printed).not.toContain("hunter2");
  });
});
