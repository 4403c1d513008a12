import { resolve } from "node:path";
import type { SubgraphConfig } from "../kit/config.ts";
import { loadTypeDefs, runSubgraph } from "../kit/runtime.ts";
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from "../kit/server.ts";
import { createReportingPlatform } from "./platform.ts";
import { createReportingResolvers } from "./resolvers.ts";

export function createReportingSubgraph(config: SubgraphConfig, deps: SubgraphDeps): SubgraphServer {
  return createSubgraphServer({
    name: "reporting",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: createReportingResolvers(createReportingPlatform(deps.upstream)),
    config,
    deps,
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  await runSubgraph("reporting", createReportingSubgraph);
}
