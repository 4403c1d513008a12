import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../../../codegen.ts";

describe("generated resolver types", () => {
  it("match the subgraph schemas (run `npm run codegen` after changing a schema.graphql)", async () => {
    const outputs = (await generate(config, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.map((o) => o.filename).sort()).toEqual(
      ["business", "population", "procedures", "reporting"].map(
        (n) => `subgraphs/${n}/generated/resolvers-types.ts`,
      ),
    );
    for (const output of outputs) {
      expect(readFileSync(output.filename, "utf8"), output.filename).toBe(output.content);
    }
  });
});
