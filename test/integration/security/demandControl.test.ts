// Demand control over the real stack: fragment bombs are refused at once without freezing the gateway, variables size
// lists exactly as literals do, and aliases count as written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../../support/stack.ts";

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; limit?: string } }[];
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function post(query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${stack.gateway.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

/** `query Q { ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment F<n-1> on Query { provinces { code } }` */
function fragmentBomb(levels: number): string {
  let query = "query Q { ...F0 }";
  for (let i = 0; i < levels - 1; i += 1) query += ` fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`;
  return `${query} fragment F${levels - 1} on Query { provinces { code } }`;
}

describe("demand control over the stack", () => {
  it("refuses fragment bombs of 10, 20 and 40 levels in under 50 ms each, and answers another request meanwhile", async () => {
    // Warm: the first plan and the first refusal pay one-off compilation, not the analysis.
    await post(fragmentBomb(5));
    await post('{ province(code: "40") { name } }');
    // Ascending: a gateway that walks fragments per spread fails at 20 levels (seconds) before 40 could freeze it.
    // The fastest of three round trips: the whole stack shares this process and a busy machine, and a scheduling
    // hiccup is not the analysis.
    for (const levels of [10, 20, 40]) {
      const times: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const started = performance.now();
        const bomb = await post(fragmentBomb(levels));
        times.push(performance.now() - started);
        expect(bomb.status, `${levels} levels`).toBe(400);
        expect(bomb.body.errors?.map((error) => error.extensions?.limit)).toEqual(["MAX_COST"]);
      }
      expect(Math.min(...times), `${levels} levels`).toBeLessThan(50);
    }
    const [other, ...bombs] = await Promise.all([
      post('{ province(code: "40") { name } }'),
      ...[10, 20, 40].map((levels) => post(fragmentBomb(levels))),
    ]);
    expect(bombs.map((bomb) => bomb.status)).toEqual([400, 400, 400]);
    expect(other.status).toBe(200);
    expect(other.body.data).toEqual({ province: { name: "Nghệ An" } });
  });

  it("refuses a list sized by a variable's default exactly like its literal twin", async () => {
    const shape = (first: string) =>
      `{ enterprises(filter: {provinceCode: "01"}, first: ${first}) { edges { node { code dossiers(first: ${first}) { edges { node { code } } } } } } }`;
    const literal = await post(shape("100"));
    const byDefault = await post(`query($n: Int = 100) ${shape("$n")}`);
    const byValue = await post(`query($n: Int) ${shape("$n")}`, { n: 100 });
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.map((error) => error.extensions?.limit)).toEqual(["MAX_COST"]);
    expect(byDefault).toEqual(literal);
    expect(byValue).toEqual(literal);
  });

  it("counts aliases as written: four aliases under the 34 provinces are four", async () => {
    const result = await post("{ provinces { a: code b: name c: nameEn d: fullName } }");
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    const provinces = result.body.data?.provinces as { a: string; b: string }[];
    expect(provinces).toHaveLength(34);
    expect(provinces.find((province) => province.a === "40")?.b).toBe("Nghệ An");
  });
});
