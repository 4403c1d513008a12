import { describe, expect, it } from "vitest";
import { createGatewayContext } from "../../../gateway/context.ts";
import { createCachedResponseReader } from "../../../gateway/responseCache/responseCache.ts";
import { ANONYMOUS, responseLayerHolding } from "../../support/storedAnswer.ts";

const query = 'query ProvinceDashboard { province(code: "40") { name } }';
const body = '{"data":{"province":{"name":"Nghệ An"}}}';

/** The HTTP edge's reader over an in-memory response layer holding `entry` under the key of `query`. */
async function readerHolding(entry: Record<string, unknown>) {
  const { store, version, metrics, logger } = await responseLayerHolding(query, "ProvinceDashboard", entry);
  const context = createGatewayContext({ requestId: "r1", caller: ANONYMOUS, logger });
  const read = createCachedResponseReader({ enabled: true, store, version, metrics, refresher: () => {} });
  return () => read({ query, operationName: "ProvinceDashboard" }, context);
}

const fresh = { kind: "response", operationName: "ProvinceDashboard", scope: "PUBLIC", storedAt: Date.now() };

describe("the HTTP edge's response cache reader", () => {
  it("hands the edge the stored UTF-8 bytes and the Cache-Tag value computed when the answer was stored", async () => {
    const read = await readerHolding({
      ...fresh,
      expiresAt: Date.now() + 60_000,
      body,
      cacheTag: "province:40",
    });
    const hit = await read();
    expect(hit).toMatchObject({
      scope: "PUBLIC",
      cacheTag: "province:40",
      operationName: "ProvinceDashboard",
    });
    if (!hit || !Buffer.isBuffer(hit.body)) throw new Error("expected a hit whose body is bytes");
    expect(hit.body.equals(Buffer.from(body, "utf8"))).toBe(true);
  });

  it("still tags answers stored by a gateway of the previous version, which kept the tags themselves", async () => {
    // A rolling upgrade shares Redis between both versions until the old entries expire.
    const tags = ["province:40", "commune:16681", "province:40"];
    const read = await readerHolding({ ...fresh, expiresAt: Date.now() + 60_000, body, tags });
    expect((await read())?.cacheTag).toBe("commune:16681,province:40");
    const untagged = await readerHolding({ ...fresh, expiresAt: Date.now() + 60_000, body });
    expect((await untagged())?.cacheTag).toBe("");
  });
});
