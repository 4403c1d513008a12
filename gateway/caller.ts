import type { IncomingMessage } from "node:http";
import type { Caller } from "../common/caller.ts";

/** Who is calling, as the subgraphs understand it (the kit's Caller, forwarded in the signed context header). */
export type GatewayCaller = Caller;

/**
 * Turns an HTTP request into its caller (the auth feature's JWT verification by default; anonymous without a
 * token). It may throw a GraphQLError (e.g. UNAUTHENTICATED with an `extensions.http.status`), which Apollo
 * Server returns to the client as is.
 */
export type CallerResolver = (request: IncomingMessage) => Promise<GatewayCaller>;
