// Run by oneByteNames.test.ts in a child `node --allow-natives-syntax`: loads a schema the way the gateway or a
// subgraph does, then prints V8's description of a JSON answer whose keys are that schema's field names.
import { readFileSync } from "node:fs";
import { Supergraph } from "@apollo/federation-internals";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { validateSupergraph } from "../../../gateway/supergraph/supergraphSource.ts";
import { loadTypeDefs } from "../../../subgraphs/kit/schema.ts";

const [mode] = process.argv.slice(2);
const supergraphFile = new URL("../../../schema/supergraph.graphql", import.meta.url);
// The reporting SDL holds a Vietnamese character, so its text is two-byte from the file on.
const reportingFile = new URL("../../../subgraphs/reporting/schema.graphql", import.meta.url);
const features = ["https://specs.apollo.dev/authenticated", "https://specs.apollo.dev/requiresScopes"];

// Held to the end, as a running process holds them: V8 drops names nothing references, and a garbage collection
// could otherwise let the answer below intern fresh copies.
const held: unknown[] = [];
if (mode === "gateway") {
  const loaded = validateSupergraph(readFileSync(supergraphFile, "utf8"), features);
  held.push(loaded, Supergraph.build(loaded.sdl));
} else {
  held.push(buildSubgraphSchema({ typeDefs: loadTypeDefs(reportingFile) }));
}
// Keys come from a subgraph answer as the gateway's executor parses it, or from a subgraph's resolvers. Names only the
// schema has: common words like `code` are also literals in code that V8 may compile first, whenever it does.
const answer = JSON.stringify(
  JSON.parse('{"data":{"province":{"communeCount":130,"platformDeployments":[]}}}'),
);
const describe = new Function("value", "return %DebugPrint(value)") as (value: string) => void;
describe(answer);
process.stdout.write(`\nheld ${held.length}\n`);
