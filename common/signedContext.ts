import { createHmac, hash, hkdfSync, timingSafeEqual } from "node:crypto";
import type { Caller } from "./caller.ts";

export const CALLER_CONTEXT_HEADER = "x-lienthong-context";

/** Long enough for the request to reach the subgraph, short enough that a captured header is useless soon after. */
export const CALLER_CONTEXT_TTL_SECONDS = 10;

/** How far the gateway's and a subgraph's clocks may disagree. */
export const CALLER_CONTEXT_CLOCK_SKEW_SECONDS = 2;

const KEY_BYTES = 32;
const MAX_REQUEST_ID_LENGTH = 128;

export class CallerContextError extends Error {
  constructor(
    message: string,
    /** `missing` → 401, `invalid` → 403 */
    readonly reason: "missing" | "invalid",
  ) {
    super(message);
    this.name = "CallerContextError";
  }
}

/**
 * The key one subgraph verifies with. Each subgraph gets its own (HKDF-SHA256 of the gateway's secret, info naming
 * the subgraph), so a subgraph that leaks its key cannot sign for the others.
 */
export function deriveContextKey(secret: string, subgraph: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), `lienthong-context:${subgraph}`, KEY_BYTES));
}

/** A derived key as it travels in configuration (`INTERNAL_CONTEXT_KEY`). */
export function encodeContextKey(key: Buffer): string {
  return key.toString("base64url");
}

export function decodeContextKey(encoded: string): Buffer | null {
  const key = Buffer.from(encoded, "base64url");
  return key.length === KEY_BYTES && encodeContextKey(key) === encoded ? key : null;
}

/** SHA-256 of the exact request body bytes, base64url: what binds a context to one request. */
export function bodyDigest(body: string | Uint8Array): string {
  // One-shot: no Hash object per fetch (the gateway signs, and every subgraph checks, each request's body).
  return hash("sha256", body, "base64url");
}

/** What a signed context vouches for besides the caller. */
export interface ContextBinding {
  /** The subgraph the context is for. */
  audience: string;
  requestId: string;
  /** The request body exactly as sent. */
  body: string | Uint8Array;
}

export interface VerifiedContext {
  caller: Caller;
  requestId: string;
}

interface SignedPayload extends Caller {
  aud: string;
  rid: string;
  bh: string;
  iat: number;
  exp: number;
}

function hmac(payload: string, key: Buffer): Buffer {
  return createHmac("sha256", key).update(payload).digest();
}

/** Header value: base64url(JSON payload) + "." + base64url(HMAC-SHA256 of the encoded payload). */
export function signCallerContext(
  caller: Caller,
  binding: ContextBinding,
  key: Buffer,
  now: number = Date.now(),
): string {
  const iat = Math.floor(now / 1000);
  const payload: SignedPayload = {
    sub: caller.sub,
    scopes: [...caller.scopes],
    province: caller.province,
    commune: caller.commune,
    aud: binding.audience,
    rid: binding.requestId.slice(0, MAX_REQUEST_ID_LENGTH),
    bh: bodyDigest(binding.body),
    iat,
    exp: iat + CALLER_CONTEXT_TTL_SECONDS,
  };
  const encoded = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${encoded}.${hmac(encoded, key).toString("base64url")}`;
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

function parsePayload(encoded: string): SignedPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    throw new CallerContextError("caller context payload is not JSON", "invalid");
  }
  const p = parsed as Partial<SignedPayload> | null;
  if (
    !p ||
    typeof p !== "object" ||
    !isNullableString(p.sub) ||
    !Array.isArray(p.scopes) ||
    !p.scopes.every((s) => typeof s === "string") ||
    !isNullableString(p.province) ||
    !isNullableString(p.commune) ||
    typeof p.aud !== "string" ||
    typeof p.rid !== "string" ||
    p.rid.length > MAX_REQUEST_ID_LENGTH ||
    typeof p.bh !== "string" ||
    !Number.isInteger(p.iat) ||
    !Number.isInteger(p.exp)
  ) {
    throw new CallerContextError("caller context payload has the wrong shape", "invalid");
  }
  return p as SignedPayload;
}

/**
 * Accepts a context only for this subgraph, this body and this moment: a header seen on the wire cannot be sent
 * again with another query, to another subgraph, or a few seconds later.
 */
export function verifyCallerContext(
  value: string | null | undefined,
  expected: Omit<ContextBinding, "requestId">,
  key: Buffer,
  now: number = Date.now(),
): VerifiedContext {
  if (!value) throw new CallerContextError(`missing ${CALLER_CONTEXT_HEADER} header`, "missing");
  const [encoded, signature, extra] = value.split(".");
  if (!encoded || !signature || extra !== undefined) {
    throw new CallerContextError("malformed caller context", "invalid");
  }
  const wanted = hmac(encoded, key);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new CallerContextError("bad caller context signature", "invalid");
  }
  const payload = parsePayload(encoded);
  if (payload.aud !== expected.audience) {
    throw new CallerContextError("caller context is for another subgraph", "invalid");
  }
  const seconds = Math.floor(now / 1000);
  const skew = CALLER_CONTEXT_CLOCK_SKEW_SECONDS;
  if (
    payload.iat > seconds + skew ||
    payload.exp < seconds - skew ||
    payload.exp - payload.iat > CALLER_CONTEXT_TTL_SECONDS
  ) {
    throw new CallerContextError("caller context expired", "invalid");
  }
  if (payload.bh !== bodyDigest(expected.body)) {
    throw new CallerContextError("caller context is for another request body", "invalid");
  }
  return {
    caller: {
      sub: payload.sub,
      scopes: payload.scopes,
      province: payload.province,
      commune: payload.commune,
    },
    requestId: payload.rid,
  };
}
