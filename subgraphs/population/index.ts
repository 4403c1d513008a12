import { resolve } from "node:path";
import type { SubgraphConfig } from "../kit/config.ts";
import { loadTypeDefs, runSubgraph } from "../kit/runtime.ts";
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from "../kit/server.ts";
import { createPopulationPlatform } from "./platform.ts";
import { createPopulationResolvers } from "./resolvers.ts";

export function createPopulationSubgraph(config: SubgraphConfig, deps: SubgraphDeps): SubgraphServer {
  return createSubgraphServer({
    name: "population",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: createPopulationResolvers(createPopulationPlatform(deps.upstream)),
    config,
    deps,
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  await runSubgraph("population", createPopulationSubgraph);
}
