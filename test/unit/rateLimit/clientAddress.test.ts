import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "../../../gateway/rateLimit/clientAddress.ts";

const request = (forwardedFor?: string) =>
  ({
    socket: { remoteAddress: "10.0.0.254" },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  }) as unknown as IncomingMessage;

describe("the client address for rate limits", () => {
  it("is the connection's peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress(request("1.2.3.4"), 0)).toBe("10.0.0.254");
  });

  it("is the entry the trusted proxies appended, not one the client wrote itself", () => {
    // The client forged "6.6.6.6"; the one load balancer appended the address it saw, 203.0.113.7.
    expect(clientAddress(request("6.6.6.6, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(request("6.6.6.6, 203.0.113.7, 10.0.0.3"), 2)).toBe("203.0.113.7");
  });

  it("falls back to the peer when the header is missing or too short", () => {
    expect(clientAddress(request(), 1)).toBe("10.0.0.254");
    expect(clientAddress(request("203.0.113.7"), 2)).toBe("10.0.0.254");
  });
});
