import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors.ts";

/** The rest of an oversized body is left unread, so the connection closes rather than reads on. */
export class BodyTooLargeError extends HttpError {
  constructor(readonly maxBytes: number) {
    super(413, "BAD_REQUEST", `Request body exceeds the limit MAX_BODY_BYTES=${maxBytes}`, {
      extensions: { limit: "MAX_BODY_BYTES", max: maxBytes },
      headers: { connection: "close" },
    });
  }
}

/** Reads the whole body, refusing (without buffering the rest) as soon as it passes maxBytes. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** An empty body is `undefined`, so each edge decides whether a body was required. */
export function parseJson(raw: Buffer): unknown {
  if (raw.byteLength === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, "BAD_REQUEST", `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

export async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return parseJson(await readBody(request, maxBytes));
}

/** The body parsed, and as the text the client sent: for keys that must tell apart exactly what was sent. */
export async function readJsonWithText(
  request: IncomingMessage,
  maxBytes: number,
): Promise<{ value: unknown; text: string }> {
  const raw = await readBody(request, maxBytes);
  return { value: parseJson(raw), text: raw.toString("utf8") };
}
