import { defineSubgraph } from "../kit/runtime.ts";
import { createBusinessPlatform as platform } from "./platform.ts";
import { createBusinessResolvers as resolvers } from "./resolvers.ts";

export const createBusinessSubgraph = defineSubgraph(import.meta, "business", platform, resolvers);
