import type { FetchStep } from "../fetch/pipeline.ts";

/**
 * Gathers the cache tags of every fetch of a request on its context, whoever answered it (the subgraph, the fetch
 * cache, a shared flight): the response cache indexes its entry by them and the answer carries them. Outside the fetch
 * cache, so its hits count; in the pipeline, so every executor's fetches feed it.
 */
export function createCacheTagStep(): FetchStep {
  return (next) => async (fetch) => {
    const result = await next(fetch);
    for (const tag of result.tags ?? []) fetch.context.cacheTags.add(tag);
    return result;
  };
}
