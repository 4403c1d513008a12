import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../support/index.ts";
import { composeSupergraph } from "../../support/toySubgraph.ts";
import { PLACES_SDL, STATS_SDL, startStack, type TestStack } from "./fixtures.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const QUERY = '{ province(code: "40") { name population } }';

const populationIsServed = async () => {
  const body = await (await stack.post({ query: QUERY })).json();
  return body.data?.province?.population === 3_400_000;
};

describe("supergraph hot reload", () => {
  it("serves a changed supergraph file without a restart", async () => {
    expect(await populationIsServed()).toBe(true);
    const [places, stats] = stack.subgraphs;
    await writeFile(
      stack.supergraphPath,
      composeSupergraph([{ name: "places", url: places!.url, sdl: PLACES_SDL }]),
    );
    await eventually(async () => {
      const body = await (await stack.post({ query: QUERY })).json();
      return body.errors?.[0]?.extensions?.code === "GRAPHQL_VALIDATION_FAILED";
    });
    expect(stack.gateway.subgraphs()?.map((s) => s.name)).toEqual(["places"]);

    await writeFile(
      stack.supergraphPath,
      composeSupergraph([
        { name: "places", url: places!.url, sdl: PLACES_SDL },
        { name: "stats", url: stats!.url, sdl: STATS_SDL },
      ]),
    );
    await eventually(populationIsServed);
  });

  it("refuses a broken file, logs it, and keeps serving the previous supergraph", async () => {
    await writeFile(stack.supergraphPath, "schema { query: Query } type Query {");
    await eventually(async () => stack.logs.lines.some((line) => line.msg?.toString().includes("refused")));
    const refused = stack.logs.lines.find((line) => line.msg?.toString().includes("refused"));
    expect(refused).toMatchObject({ level: 50, path: stack.supergraphPath });
    expect(String(refused?.reason)).toMatch(/Syntax Error/);
    expect(await populationIsServed()).toBe(true);

    // valid GraphQL, but not a supergraph
    await writeFile(stack.supergraphPath, "type Query { hello: String }");
    expect(await stack.gateway.reloadSupergraph()).toMatchObject({ status: "refused" });
    expect(await populationIsServed()).toBe(true);
    expect(stack.gateway.subgraphs()?.map((s) => s.name)).toEqual(["places", "stats"]);
  });
});
