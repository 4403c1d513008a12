import type { IncomingMessage } from "node:http";

/**
 * The address a request came from, for per-client limits. Behind `trustedProxyHops` proxies, each appending the
 * address it received from to X-Forwarded-For, the client is that many entries from the right; anything further
 * left was written by the client and proves nothing.
 */
export function clientAddress(request: IncomingMessage, trustedProxyHops: number): string {
  const direct = request.socket.remoteAddress ?? "unknown";
  if (trustedProxyHops === 0) return direct;
  const header = request.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return forwarded[forwarded.length - trustedProxyHops] ?? direct;
}
