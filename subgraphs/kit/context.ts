import type { Caller } from "../../common/caller.ts";
import type { LoaderRegistry } from "./loaders.ts";
import type { Logger } from "./logger.ts";
import type { UpstreamClient } from "./upstream.ts";

/** What every resolver receives. A fresh `loaders` per request; everything else is shared by the process. */
export interface SubgraphContext {
  caller: Caller;
  requestId: string;
  loaders: LoaderRegistry;
  upstream: UpstreamClient;
  logger: Logger;
}
