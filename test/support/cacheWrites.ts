// For tests only (it asserts through vitest): scripts import test/support/index.ts outside a test run.
import { expect } from "vitest";

/**
 * A gateway writes its cache entries after its answer. Polls `xCache` (that gateway answering the same request again)
 * until it reports HIT, i.e. the entry landed: what another replica answers next then shows whether it shares it.
 */
export async function untilStored(xCache: () => Promise<string | null | undefined>): Promise<void> {
  await expect.poll(xCache, { timeout: 10_000 }).toBe("HIT");
}
