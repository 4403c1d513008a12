import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, readConfig } from "../../../sandbox/config.ts";

describe("sandbox configuration", () => {
  it("defaults to port 4010 on loopback, no faults, today 2025-11-13", () => {
    expect(readConfig({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({
      port: 4010,
      host: "127.0.0.1",
      latencyMs: 0,
      errorRate: 0,
      today: "2025-11-13",
    });
  });

  it("reads every setting from the environment", () => {
    expect(
      readConfig({
        SANDBOX_PORT: "0",
        SANDBOX_HOST: "0.0.0.0",
        SANDBOX_LATENCY_MS: "5",
        SANDBOX_JITTER_MS: "2",
        SANDBOX_ERROR_RATE: "0.1",
        SANDBOX_TODAY: "2026-01-31",
        SANDBOX_WARMUP: "off",
      }),
    ).toEqual({
      port: 0,
      host: "0.0.0.0",
      latencyMs: 5,
      jitterMs: 2,
      errorRate: 0.1,
      today: "2026-01-31",
      warmUp: false,
    });
  });

  it("refuses malformed settings with the variable's name", () => {
    expect(() => readConfig({ SANDBOX_PORT: "http" })).toThrow(/SANDBOX_PORT/);
    expect(() => readConfig({ SANDBOX_ERROR_RATE: "2" })).toThrow(/SANDBOX_ERROR_RATE/);
    expect(() => readConfig({ SANDBOX_TODAY: "2025-02-30" })).toThrow(/SANDBOX_TODAY/);
    expect(() => readConfig({ SANDBOX_WARMUP: "yes" })).toThrow(/SANDBOX_WARMUP/);
  });
});
