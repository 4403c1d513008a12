import { resolve } from "node:path";
import type { SubgraphConfig } from "../kit/config.ts";
import { loadTypeDefs, runSubgraph } from "../kit/runtime.ts";
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from "../kit/server.ts";
import { createProceduresPlatform } from "./platform.ts";
import { createProceduresResolvers } from "./resolvers.ts";

export function createProceduresSubgraph(config: SubgraphConfig, deps: SubgraphDeps): SubgraphServer {
  return createSubgraphServer({
    name: "procedures",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: createProceduresResolvers(createProceduresPlatform(deps.upstream)),
    config,
    deps,
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  await runSubgraph("procedures", createProceduresSubgraph);
}
