import { ANONYMOUS } from "../../common/caller.ts";
import { createGatewayContext } from "../../gateway/context.ts";
import type { SubgraphFetch } from "../../gateway/fetch/pipeline.ts";
import { createLogger } from "../../gateway/observability/logger.ts";

const logger = createLogger({ log: { level: "silent" } });

/** A root query fetch `{ ok }` of the anonymous caller to the subgraph at `url`, as an executor hands it to the pipeline. */
export function anonymousQueryFetch(url: string, headers?: Record<string, string>): SubgraphFetch {
  return {
    subgraph: "reporting",
    url,
    request: { query: "{ ok }" },
    kind: "query",
    context: createGatewayContext({ requestId: "req-1", caller: ANONYMOUS, logger }),
    ...(headers ? { headers } : {}),
  };
}
