import type { IncomingMessage } from "node:http";
import type { Caller } from "../../common/caller.ts";
import { clientAddress } from "../rateLimit/clientAddress.ts";
import type { RateLimiter } from "../rateLimit/rateLimiter.ts";
import type { TokenVerifier } from "./jwt.ts";

/**
 * Turns an HTTP request into its caller (the auth feature's JWT verification by default; anonymous without a
 * token). It may throw a GraphQLError (e.g. UNAUTHENTICATED with an `extensions.http.status`), which Apollo
 * Server returns to the client as is.
 */
export type CallerResolver = (request: IncomingMessage) => Promise<Caller>;

/** The caller of a request is whoever its bearer token says (anonymous without one), within the rate limit. */
export function createAuthCallerResolver(deps: {
  verifier: TokenVerifier;
  rateLimiter: RateLimiter | null;
  trustedProxyHops: number;
}) {
  const { verifier, rateLimiter, trustedProxyHops } = deps;
  const resolve: CallerResolver = async (request: IncomingMessage) => {
    const clientIp = clientAddress(request, trustedProxyHops);
    let caller: Caller;
    try {
      caller = await verifier.verify(request.headers.authorization);
    } catch (error) {
      // Bad tokens count against the client address, so guessing tokens is throttled like anything else.
      await rateLimiter?.consume(null, clientIp);
      throw error;
    }
    await rateLimiter?.consume(caller, clientIp);
    return caller;
  };
  return resolve;
}
