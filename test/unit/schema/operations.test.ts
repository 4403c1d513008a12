import { readdirSync, readFileSync } from "node:fs";
import { Supergraph } from "@apollo/federation-internals";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { SUPERGRAPH_FILE } from "../../../schema/compose.ts";

const OPERATIONS_DIR = new URL("../../../schema/operations/", import.meta.url);

describe("client operations in schema/operations", () => {
  // What clients can query: the supergraph without its federation machinery.
  const apiSchema = Supergraph.build(readFileSync(SUPERGRAPH_FILE, "utf8"), { supportedFeatures: null })
    .apiSchema()
    .toGraphQLJSSchema();
  const files = readdirSync(OPERATIONS_DIR).filter((file) => file.endsWith(".graphql"));

  it("exist", () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)("%s validates against the supergraph's API schema", (file) => {
    const document = parse(readFileSync(new URL(file, OPERATIONS_DIR), "utf8"));
    expect(validate(apiSchema, document).map((error) => error.message)).toEqual([]);
  });
});
