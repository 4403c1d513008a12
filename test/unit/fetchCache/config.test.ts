import { describe, expect, it } from "vitest";
import { fetchCacheConfig } from "../../../gateway/fetchCache/config.ts";

describe("fetch cache config", () => {
  it("is on by default, and either FETCH_CACHE=off or its old name ENTITY_CACHE=off turns it off", () => {
    expect(fetchCacheConfig.parse({}).enabled).toBe(true);
    expect(fetchCacheConfig.parse({ FETCH_CACHE: "off" }).enabled).toBe(false);
    expect(fetchCacheConfig.parse({ ENTITY_CACHE: "off" }).enabled).toBe(false);
  });

  it("reads FETCH_CACHE_STALE_IF_ERROR_SECONDS first, then its old name", () => {
    expect(fetchCacheConfig.parse({ ENTITY_CACHE_STALE_IF_ERROR_SECONDS: "0" }).staleIfErrorSeconds).toBe(0);
    expect(
      fetchCacheConfig.parse({
        FETCH_CACHE_STALE_IF_ERROR_SECONDS: "60",
        ENTITY_CACHE_STALE_IF_ERROR_SECONDS: "0",
      }).staleIfErrorSeconds,
    ).toBe(60);
  });
});
