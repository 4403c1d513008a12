import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * True when the request carries `Authorization: Bearer <OPS_TOKEN>`; never without a configured token. Compares
 * digests, so the comparison takes the same time whatever the length or content of the guess.
 */
export function hasOpsToken(headers: IncomingHttpHeaders, token: string | null): boolean {
  if (token === null) return false;
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  if (!match) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1]!.trim()), digest(token));
}
