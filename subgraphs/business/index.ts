import { resolve } from "node:path";
import type { SubgraphConfig } from "../kit/config.ts";
import { loadTypeDefs, runSubgraph } from "../kit/runtime.ts";
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from "../kit/server.ts";
import { createBusinessPlatform } from "./platform.ts";
import { createBusinessResolvers } from "./resolvers.ts";

export function createBusinessSubgraph(config: SubgraphConfig, deps: SubgraphDeps): SubgraphServer {
  return createSubgraphServer({
    name: "business",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: createBusinessResolvers(createBusinessPlatform(deps.upstream)),
    config,
    deps,
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  await runSubgraph("business", createBusinessSubgraph);
}
