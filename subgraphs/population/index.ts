import { defineSubgraph } from "../kit/runtime.ts";
import { unitStatisticsLoads } from "../kit/units.ts";
import { createPopulationPlatform as platform } from "./platform.ts";
import { createPopulationResolvers as resolvers } from "./resolvers.ts";

export const createPopulationSubgraph = defineSubgraph(
  import.meta,
  "population",
  platform,
  resolvers,
  (platform) => unitStatisticsLoads(platform.loaders.stats, "populationStats"),
);
