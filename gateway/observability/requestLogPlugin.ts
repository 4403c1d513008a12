import type { ApolloServerPlugin } from "@apollo/server";
import { FAILURE_CODES } from "../../common/errors.ts";
import type { GatewayContext, RequestOutcome } from "../context.ts";

function outcomeOf(errorCodes: string[], hasData: boolean): RequestOutcome {
  if (errorCodes.length === 0) return "ok";
  if (hasData) return "partial";
  return errorCodes.some((code) => FAILURE_CODES.has(code)) ? "error" : "rejected";
}

/**
 * Records each operation's name, outcome and error codes into the request's context; the HTTP edge writes
 * them as the request's single log line and its metrics once the response is sent.
 */
export function createRequestLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, response }) {
          const result =
            response.body.kind === "single" ? response.body.singleResult : response.body.initialResult;
          const errors = "errors" in result ? (result.errors ?? []) : [];
          const errorCodes = [
            ...new Set(errors.map((error) => String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR"))),
          ];
          const hasData = "data" in result && result.data !== null && result.data !== undefined;
          contextValue.operations.push({
            name: operationName ?? null,
            outcome: outcomeOf(errorCodes, hasData),
            errorCodes,
          });
        },
      };
    },
  };
}
