// Item 10 of issue 10: an answer with errors (Apollo's subgraph plugin marks it `no-store`) holds one officer's data and
// one officer's refusals. Two officers of the same province and scopes asking the same thing at the same moment must
// each get their own execution, never a copy of the other's.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Stack } from "../../support/stack.ts";
import { startSecurityStack, tokens } from "./stack.ts";

const QUERY = "query ($ids: [ID!]!) { citizens(ids: $ids) { maskedId } }";

let stack: Stack;

/** A resident listed in one commune of `province` (its first commune). */
async function residentOf(province: string): Promise<string> {
  const communes = await stack.sandbox.get<{ items: { code: string }[] }>(
    `/reporting/v1/communes?provinces=${province}`,
  );
  const page = await stack.sandbox.get<{ items: { id: string }[] }>(
    `/population/v1/citizens?commune=${communes.items[0]!.code}&limit=1`,
  );
  return page.items[0]!.id;
}

/** GraphQL operations the population subgraph executed so far. */
async function populationExecutions(): Promise<number> {
  const text = await (await fetch(new URL("/metrics", stack.subgraphs.population.url))).text();
  let sum = 0;
  for (const match of text.matchAll(/^lienthong_subgraph_requests_total\{[^}]*\} (\S+)$/gm))
    sum += Number(match[1]);
  return sum;
}

beforeAll(async () => {
  stack = await startSecurityStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it("two officers of the same class asking at once each get their own execution when the answer has errors", async () => {
  const ids = [await residentOf("40"), await residentOf("01")];
  const officer = { scopes: ["population:read"], province: "40" };
  const [alice, bob] = await Promise.all([
    tokens.sign({ ...officer, sub: "officer-alice" }),
    tokens.sign({ ...officer, sub: "officer-bob" }),
  ]);
  // Slow platform answers, so both requests are certainly in flight together.
  await stack.sandbox.setFaults({ latencyMs: 300 });
  const before = await populationExecutions();
  const ask = (token: string) =>
    stack.gateway.post({ query: QUERY, variables: { ids } }, { authorization: `Bearer ${token}` });
  const answers = await Promise.all([ask(alice), ask(bob)]);
  for (const answer of answers) {
    const body = await answer.json();
    expect(body.errors?.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain(
      "FORBIDDEN",
    );
    expect(answer.headers.get("cache-control")).toBe("no-store");
  }
  expect((await populationExecutions()) - before).toBe(2);
});
