import type { IncomingMessage } from "node:http";
import { ANONYMOUS } from "../../common/caller.ts";
import { HttpError } from "../../common/http/errors.ts";
import {
  CALLER_CONTEXT_HEADER,
  CallerContextError,
  type VerifiedContext,
  verifyCallerContext,
} from "../../common/signedContext.ts";
import type { Logger } from "./logger.ts";

/**
 * Not one of the public codes (common/errors.ts), so the gateway masks it: a client never learns why a subgraph
 * refused the gateway's context, only the gateway's operators do (the gateway logs the masked message).
 */
export const CALLER_CONTEXT_REJECTED = "CALLER_CONTEXT_REJECTED";

/** Who one request is for, read from the raw request: the signed caller and request id, or refused. */
export type CallerContextReader = (
  req: IncomingMessage,
  body: Buffer,
  wireRequestId: string,
) => VerifiedContext;

/**
 * With a key, only a context the gateway signed for this subgraph, this body and this moment is accepted, and
 * its request id replaces whatever `x-request-id` says. Without one (development only; config refuses it in
 * production) every request is the anonymous caller, which is said loudly once at start.
 */
export function createCallerContextReader(options: {
  name: string;
  key: Buffer | null;
  logger: Logger;
}): CallerContextReader {
  const { name, key, logger } = options;
  if (key === null) {
    logger.warn(
      `NO CALLER CONTEXT KEY: the ${name} subgraph serves every request as the anonymous caller without checking ` +
        "who sent it. Set INTERNAL_CONTEXT_KEY (or INTERNAL_CONTEXT_SECRET in development); production refuses to start without it.",
    );
    return (_req, _body, wireRequestId) => ({ caller: ANONYMOUS, requestId: wireRequestId });
  }
  return (req, body, wireRequestId) => {
    const header = req.headers[CALLER_CONTEXT_HEADER];
    try {
      return verifyCallerContext(Array.isArray(header) ? header[0] : header, { audience: name, body }, key);
    } catch (error) {
      if (!(error instanceof CallerContextError)) throw error;
      logger.warn({ requestId: wireRequestId, reason: error.message }, "caller context refused");
      throw new HttpError(error.reason === "missing" ? 401 : 403, CALLER_CONTEXT_REJECTED, error.message);
    }
  };
}
