import { defineSubgraph } from "../kit/runtime.ts";
import { createProceduresPlatform as platform } from "./platform.ts";
import {
  createProceduresEntityLoads as entityLoads,
  createProceduresResolvers as resolvers,
} from "./resolvers.ts";

export const createProceduresSubgraph = defineSubgraph(
  import.meta,
  "procedures",
  platform,
  resolvers,
  entityLoads,
);
