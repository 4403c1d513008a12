// Run by oneByteNames.test.ts in a child `node --allow-natives-syntax`: loads a schema the way the gateway or a
// subgraph does (or straight into Apollo's code, `apollo only`), then prints V8's description of a JSON answer
// whose keys are that schema's field names.
import { readFileSync } from "node:fs";
import { Supergraph } from "@apollo/federation-internals";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import {
  acceptEnforcedSecurityFeatures,
  validateSupergraph,
} from "../../../gateway/supergraph/supergraphSource.ts";
import { loadTypeDefs } from "../../../subgraphs/kit/schema.ts";

const [mode] = process.argv.slice(2);
const supergraphFile = new URL("../../../schema/supergraph.graphql", import.meta.url);
// The reporting SDL holds a Vietnamese character, so its text is two-byte from the file on.
const reportingFile = new URL("../../../subgraphs/reporting/schema.graphql", import.meta.url);
const features = ["https://specs.apollo.dev/authenticated", "https://specs.apollo.dev/requiresScopes"];

if (mode === "gateway") {
  Supergraph.build(validateSupergraph(readFileSync(supergraphFile, "utf8"), features).sdl);
} else if (mode === "subgraph") {
  buildSubgraphSchema({ typeDefs: loadTypeDefs(reportingFile) });
} else {
  Supergraph.build(acceptEnforcedSecurityFeatures(readFileSync(supergraphFile, "utf8"), features));
  buildSubgraphSchema({ typeDefs: parse(readFileSync(reportingFile, "utf8")) });
}
// Keys come from a subgraph answer as the gateway's executor parses it, or from a subgraph's resolvers.
const answer = JSON.stringify(
  JSON.parse('{"data":{"province":{"code":"40","name":"Nghe An","communes":[{"code":"16681"}]}}}'),
);
const describe = new Function("value", "return %DebugPrint(value)") as (value: string) => void;
describe(answer);
