import { defineSubgraph } from "../kit/runtime.ts";
import { unitStatisticsLoads } from "../kit/units.ts";
import { createBusinessPlatform as platform } from "./platform.ts";
import { createBusinessResolvers as resolvers } from "./resolvers.ts";

export const createBusinessSubgraph = defineSubgraph(
  import.meta,
  "business",
  platform,
  resolvers,
  (platform) => unitStatisticsLoads(platform.loaders.stats, "enterpriseStats"),
);
