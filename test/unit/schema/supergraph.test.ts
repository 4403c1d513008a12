import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { composeSupergraph, readSubgraphSources, SUPERGRAPH_FILE } from "../../../schema/compose.ts";

describe("schema/supergraph.graphql", () => {
  // Routing URLs come from the environment; compare against the defaults the checked-in file is composed with.
  const sources = readSubgraphSources({});

  it("is composed from all four subgraphs without errors", () => {
    expect(sources.map((s) => s.name)).toEqual(["population", "business", "procedures", "reporting"]);
    const outcome = composeSupergraph(sources);
    expect(outcome.ok ? [] : outcome.errors).toEqual([]);
  });

  it("is identical to a fresh composition (run `npm run compose` after changing a subgraph schema)", () => {
    const outcome = composeSupergraph(sources);
    if (!outcome.ok) throw new Error(`composition failed:\n${outcome.errors.join("\n")}`);
    expect(readFileSync(SUPERGRAPH_FILE, "utf8")).toBe(outcome.supergraphSdl);
  });

  it("reports composition errors instead of writing a supergraph", () => {
    const broken = sources.map((s) =>
      s.name === "business"
        ? { ...s, sdl: s.sdl.replace("legalForm: LegalForm!", "legalForm: Int!\n  name2: Nope") }
        : s,
    );
    const outcome = composeSupergraph(broken);
    expect(outcome.ok).toBe(false);
  });
});
