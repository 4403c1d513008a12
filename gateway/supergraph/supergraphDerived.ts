import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../context.ts";
import type { Logger } from "../observability/logger.ts";

/**
 * A value a feature reads from every supergraph Apollo Server loads (the authorization policy, the cost directives):
 * recomputed on each load and reload. When reading a new supergraph fails, the previous value keeps serving and the
 * failure is logged: a broken reading is never applied.
 */
export function createSupergraphDerived<T>(options: {
  initial: T;
  read: (coreSupergraphSdl: string) => T;
  /** What is read, for the log line ("supergraph authorization"). */
  what: string;
  logger: Logger;
}) {
  let value = options.initial;
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ coreSupergraphSdl }) {
          if (!coreSupergraphSdl) return;
          try {
            value = options.read(coreSupergraphSdl);
          } catch (error) {
            options.logger.error(
              { err: { message: (error as Error).message } },
              `${options.what} not loaded`,
            );
          }
        },
      };
    },
  };
  return { current: () => value, plugin };
}
