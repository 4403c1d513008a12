import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { apiSchemasOf, parseOperation } from "./apolloReference.ts";
import { differentialShaping } from "./differential.ts";
import { randomInput, seededRandom } from "./randomInput.ts";

const SUPERGRAPH = readFileSync(new URL("../../../../schema/supergraph.graphql", import.meta.url), "utf8");
const OPERATIONS_DIR = new URL("../../../../../shared/operations/", import.meta.url);
const operationFiles = readdirSync(OPERATIONS_DIR).filter((name) => name.endsWith(".graphql"));
const SEEDS = 150;

describe("shaping our supergraph's published operations", () => {
  const schemas = apiSchemasOf(SUPERGRAPH);
  const queryType = schemas.graphql.getQueryType();
  if (!queryType) throw new Error("The supergraph has no Query type");

  it("finds the shared operations", () => {
    expect(operationFiles.length).toBeGreaterThan(0);
  });

  it.each(operationFiles)(
    "%s: matches Apollo on random raw data (nulls, invalid leaves, extra fields)",
    (file) => {
      const parsed = parseOperation(readFileSync(new URL(file, OPERATIONS_DIR), "utf8"));
      const shapeBothWays = differentialShaping(schemas, parsed);
      let withErrors = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const input = randomInput(
          schemas.graphql,
          queryType,
          parsed.operation.selectionSet,
          parsed.fragments,
          seededRandom(seed),
        );
        const { ours, apollo } = shapeBothWays(input);
        expect({ seed, ...ours }).toEqual({ seed, ...apollo });
        if (apollo.errors.length > 0) withErrors++;
      }
      // The random data must exercise null propagation and invalid values, not only the happy path.
      expect(withErrors).toBeGreaterThan(0);
    },
  );
});
