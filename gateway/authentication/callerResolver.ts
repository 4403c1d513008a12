import type { IncomingMessage } from "node:http";
import type { Caller } from "../../common/caller.ts";
import { clientAddress } from "../rateLimit/clientAddress.ts";
import type { RateLimiter } from "../rateLimit/rateLimiter.ts";
import type { TokenVerifier } from "./jwt.ts";

/** What the HTTP edge knows of a request before its caller is known, and where admission headers go. */
export interface RequestAdmission {
  /** Operations in the request: a JSON batch holds several, each charged on its own. */
  operations: number;
  setHeader(name: string, value: string): void;
}

/**
 * Turns an HTTP request into its caller (the auth feature's JWT verification by default; anonymous without a
 * token). It may throw a GraphQLError (e.g. UNAUTHENTICATED with an `extensions.http.status`), which Apollo
 * Server returns to the client as is.
 */
export type CallerResolver = (request: IncomingMessage, admission: RequestAdmission) => Promise<Caller>;

/** The caller of a request is whoever its bearer token says (anonymous without one), within the rate limit. */
export function createAuthCallerResolver(deps: {
  verifier: TokenVerifier;
  rateLimiter: RateLimiter | null;
  trustedProxyHops: number;
}) {
  const { verifier, rateLimiter, trustedProxyHops } = deps;
  const resolve: CallerResolver = async (request, admission) => {
    const clientIp = clientAddress(request, trustedProxyHops);
    const charge = async (caller: Caller | null) => {
      const headers = await rateLimiter?.consume(caller, clientIp, admission.operations);
      for (const [name, value] of Object.entries(headers ?? {})) admission.setHeader(name, value);
    };
    let caller: Caller;
    try {
      caller = await verifier.verify(request.headers.authorization);
    } catch (error) {
      // Bad tokens count against the client address, so guessing tokens is throttled like anything else.
      await charge(null);
      throw error;
    }
    await charge(caller);
    return caller;
  };
  return resolve;
}
