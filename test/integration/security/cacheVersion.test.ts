// Item 8 of issue 10: a cached answer must not outlive the supergraph it was computed under. A reload that puts a scope
// requirement on a field stops the cached answer holding that field at once, at the HTTP edge's fast path too.
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Stack, SUPERGRAPH_PATH } from "../../support/stack.ts";
import { startSecurityStack } from "./stack.ts";

const QUERY = '{ province(code: "40") { code nameEn } }';

let stack: Stack;
let supergraphPath: string;
let supergraph: string;

beforeAll(async () => {
  // A copy of the supergraph, watched: the test edits it as a schema publication would.
  supergraph = await readFile(SUPERGRAPH_PATH, "utf8");
  supergraphPath = join(tmpdir(), `lienthong-cache-version-${process.pid}.graphql`);
  await writeFile(supergraphPath, supergraph);
  stack = await startSecurityStack({ SUPERGRAPH_PATH: supergraphPath, SUPERGRAPH_WATCH: "on" });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function ask() {
  const response = await stack.gateway.post({ query: QUERY });
  return { cache: response.headers.get("x-cache"), body: await response.json() };
}

it("a reload that adds @requiresScopes to a cached field stops the cached answer at once", async () => {
  const first = await ask();
  expect(first.body.data.province.nameEn).toEqual(expect.any(String));
  const cached = await ask();
  expect(cached).toEqual({ cache: "HIT", body: first.body });

  // Province.nameEn (Commune has a field of the same name, left alone).
  const province = supergraph.indexOf("\ntype Province\n");
  const field = "  nameEn: String! @join__field(graph: REPORTING)\n";
  const at = supergraph.indexOf(field, province);
  expect(province).toBeGreaterThan(0);
  expect(at).toBeGreaterThan(province);
  const protectedField = field.replace("\n", ' @requiresScopes(scopes: [["reporting:names"]])\n');
  await writeFile(
    supergraphPath,
    supergraph.slice(0, at) + protectedField + supergraph.slice(at + field.length),
  );

  // The file watch applies the reload within ~100 ms; from then on no answer may carry the protected field.
  const deadline = Date.now() + 5000;
  let after = await ask();
  while (after.body.data?.province?.nameEn && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    after = await ask();
  }
  expect(after.cache).not.toBe("HIT");
  expect(after.body.data?.province?.nameEn ?? null).toBeNull();
  expect(after.body.errors?.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain(
    "UNAUTHENTICATED",
  );
});
