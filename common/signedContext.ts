import { createHmac, timingSafeEqual } from "node:crypto";
import type { Caller } from "./caller.ts";

export const CALLER_CONTEXT_HEADER = "x-lienthong-context";

/** A signed context older (or further in the future) than this is refused, so a captured header cannot be replayed for long. */
export const CALLER_CONTEXT_MAX_AGE_SECONDS = 60;

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

interface SignedPayload extends Caller {
  iat: number;
}

function hmac(payload: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

/** Header value: base64url(JSON payload with `iat`) + "." + base64url(HMAC-SHA256 of the encoded payload). */
export function signCallerContext(caller: Caller, secret: string, now: number = Date.now()): string {
  const payload: SignedPayload = {
    sub: caller.sub,
    scopes: [...caller.scopes],
    province: caller.province,
    commune: caller.commune,
    iat: Math.floor(now / 1000),
  };
  const encoded = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${encoded}.${hmac(encoded, secret).toString("base64url")}`;
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
    typeof p.iat !== "number"
  ) {
    throw new CallerContextError("caller context payload has the wrong shape", "invalid");
  }
  return p as SignedPayload;
}

export function verifyCallerContext(
  value: string | null | undefined,
  secret: string,
  now: number = Date.now(),
): Caller {
  if (!value) throw new CallerContextError(`missing ${CALLER_CONTEXT_HEADER} header`, "missing");
  const [encoded, signature, extra] = value.split(".");
  if (!encoded || !signature || extra !== undefined) {
    throw new CallerContextError("malformed caller context", "invalid");
  }
  const expected = hmac(encoded, secret);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new CallerContextError("bad caller context signature", "invalid");
  }
  const payload = parsePayload(encoded);
  if (Math.abs(Math.floor(now / 1000) - payload.iat) > CALLER_CONTEXT_MAX_AGE_SECONDS) {
    throw new CallerContextError("caller context expired", "invalid");
  }
  return { sub: payload.sub, scopes: payload.scopes, province: payload.province, commune: payload.commune };
}
