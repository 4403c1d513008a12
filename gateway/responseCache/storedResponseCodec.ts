import type { ValueCodec } from "../cacheStore/store.ts";

/**
 * A stored answer's HTTP body is JSON text already: nested in the entry's JSON it would be escaped on every write and
 * unescaped on every hit (a quote per key and string of the answer). The entry is kept as its other fields' JSON, a
 * newline, then the body as it is: JSON.stringify never writes a raw newline, so the first one is the boundary.
 * Entries without a body (the PRIVATE marker) are plain JSON.
 */
export const storedResponseCodec: ValueCodec = {
  encode(value) {
    const { body, ...rest } = value as { body?: unknown };
    return typeof body === "string" ? `${JSON.stringify(rest)}\n${body}` : JSON.stringify(value);
  },
  decode(text) {
    const boundary = text.indexOf("\n");
    if (boundary === -1) return JSON.parse(text);
    return { ...JSON.parse(text.slice(0, boundary)), body: text.slice(boundary + 1) };
  },
};
