import { defineSubgraph } from "../kit/runtime.ts";
import { createReportingPlatform as platform } from "./platform.ts";
import { createReportingResolvers as resolvers } from "./resolvers.ts";

export const createReportingSubgraph = defineSubgraph(import.meta, "reporting", platform, resolvers);
