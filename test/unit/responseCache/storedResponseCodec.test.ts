import { describe, expect, it } from "vitest";
import { storedResponseCodec } from "../../../gateway/responseCache/storedResponseCodec.ts";

const answer = {
  kind: "response",
  // A body is the answer's JSON text; a raw newline in it must not confuse the boundary.
  body: '{"data":{"province":{"name":"Nghệ An","note":"a\\nb \\"quoted\\""}}}\n',
  operationName: "ProvinceDashboard",
  expiresAt: 1_700_000_005_000,
  scope: "PUBLIC",
  tags: ["province:40", "line\nbreak"],
  storedAt: 1_700_000_000_000,
  staleUntil: 1_700_000_035_000,
};

describe("stored response codec", () => {
  it("gives back exactly the entry it stored, with the body kept verbatim rather than escaped", () => {
    const text = storedResponseCodec.encode(answer);
    expect(text.endsWith(`\n${answer.body}`)).toBe(true);
    expect(storedResponseCodec.decode(text)).toEqual(answer);
  });

  it("keeps the PRIVATE marker, and reads entries stored as plain JSON before it existed", () => {
    expect(storedResponseCodec.decode(storedResponseCodec.encode({ kind: "private" }))).toEqual({
      kind: "private",
    });
    expect(storedResponseCodec.decode(JSON.stringify(answer))).toEqual(answer);
  });

  it("refuses text that is not an entry, which the store answers as a miss", () => {
    expect(() => storedResponseCodec.decode("not json\n{}")).toThrow(SyntaxError);
  });
});
