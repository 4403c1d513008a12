import { describe, expect, it } from "vitest";
import { storedResponseCodec } from "../../../gateway/responseCache/storedResponseCodec.ts";

const answer = {
  kind: "response",
  // A body is the answer's JSON text; a raw newline in it must not confuse the boundary.
  body: '{"data":{"province":{"name":"Nghệ An","note":"a\\nb \\"quoted\\""}}}\n',
  operationName: "ProvinceDashboard",
  expiresAt: 1_700_000_005_000,
  scope: "PUBLIC",
  cacheTag: "commune:16681,province:40",
  storedAt: 1_700_000_000_000,
  staleUntil: 1_700_000_035_000,
};

function decoded(bytes: Buffer): Record<string, unknown> {
  return storedResponseCodec.decode(bytes) as Record<string, unknown>;
}

describe("stored response codec", () => {
  it("gives back the entry it stored, with the body as the UTF-8 bytes to send, kept verbatim rather than escaped", () => {
    const bytes = storedResponseCodec.encode(answer);
    expect(bytes.toString("utf8").endsWith(`\n${answer.body}`)).toBe(true);
    const { body, ...rest } = decoded(bytes);
    const { body: _, ...expected } = answer;
    expect(rest).toEqual(expected);
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body).toEqual(Buffer.from(answer.body, "utf8"));
  });

  it("keeps the PRIVATE marker, and reads entries stored as plain JSON before it existed", () => {
    expect(decoded(storedResponseCodec.encode({ kind: "private" }))).toEqual({ kind: "private" });
    expect(decoded(Buffer.from(JSON.stringify(answer)))).toEqual(answer);
  });

  it("refuses bytes that are not an entry, which the store answers as a miss", () => {
    expect(() => decoded(Buffer.from("not json\n{}"))).toThrow(SyntaxError);
  });
});
