// The cost directives come from the supergraph being served: a reload that bounds a list differently changes what is
// refused, without a restart.
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../support/index.ts";
import { composeSupergraph } from "../../support/toySubgraph.ts";
import { PLACES_SDL, STATS_SDL, startStack, type TestStack } from "../gateway/fixtures.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { MAX_COST: "50", COST_LIST_SIZE: "10" } });
});
afterAll(async () => {
  await stack?.stop();
});

const QUERY = "{ provinces { code } }";

async function limitOf(): Promise<string | null> {
  const body = (await (await stack.post({ query: QUERY })).json()) as {
    errors?: { extensions?: { limit?: string } }[];
  };
  return body.errors?.[0]?.extensions?.limit ?? null;
}

describe("demand control after a supergraph reload", () => {
  it("costs lists by the @listSize of the supergraph now served", async () => {
    // No @listSize: provinces assume COST_LIST_SIZE (10 × Province 1), within MAX_COST=50.
    expect(await limitOf()).toBeNull();
    const [places, stats] = stack.subgraphs;
    const sized = PLACES_SDL.replace(
      'import: ["@key", "@shareable"])',
      'import: ["@key", "@shareable"]) @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])',
    ).replace("provinces: [Province!]!", "provinces: [Province!]! @listSize(assumedSize: 63)");
    expect(sized).toContain("@listSize(assumedSize: 63)");
    await writeFile(
      stack.supergraphPath,
      composeSupergraph([
        { name: "places", url: places!.url, sdl: sized },
        { name: "stats", url: stats!.url, sdl: STATS_SDL },
      ]),
    );
    await stack.gateway.reloadSupergraph();
    await eventually(async () => (await limitOf()) === "MAX_COST");
  });
});
