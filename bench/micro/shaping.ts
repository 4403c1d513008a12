import { operationFromDocument } from "@apollo/federation-internals";
import { computeResponse } from "@apollo/gateway/dist/resultShaping.js";
import { Kind } from "graphql";
import { createShaperCompiler } from "../../gateway/executor/shaping/index.ts";
import { apiSchemasOf, parseOperation } from "../../test/unit/executor/shaping/apolloReference.ts";
import {
  captureGuildShaping,
  GUILD_QUERY,
  GUILD_SUPERGRAPH,
} from "../../test/unit/executor/shaping/guildCapture.ts";

// Shaping of the Guild benchmark query (87 KB answer) from the raw data Apollo Gateway's plan execution produced:
// Apollo's computeResponse against our compiled shaper, and each followed by JSON.stringify (what an edge sends).
const ITERATIONS = Number(process.env.ITERATIONS ?? 2000);
const ROUNDS = 5;

const { input } = await captureGuildShaping();
const schemas = apiSchemasOf(GUILD_SUPERGRAPH);
const parsed = parseOperation(GUILD_QUERY);
const operation = operationFromDocument(
  schemas.apollo,
  { kind: Kind.DOCUMENT, definitions: [parsed.operation, ...Object.values(parsed.fragments)] },
  { validate: false },
);
const shaper = createShaperCompiler(schemas.graphql).compile(parsed.operation, parsed.fragments);
const noIntrospection = () => {
  throw new Error("The Guild query has no introspection");
};

const candidates: Record<string, () => unknown> = {
  "apollo computeResponse": () =>
    computeResponse({ operation, input, introspectionHandling: noIntrospection }).data,
  "ours shape": () => shaper.shape(input, undefined).data,
  "apollo computeResponse + JSON.stringify": () =>
    JSON.stringify(computeResponse({ operation, input, introspectionHandling: noIntrospection }).data),
  "ours shape + JSON.stringify": () => JSON.stringify(shaper.shape(input, undefined).data),
};

const reference = JSON.stringify(
  computeResponse({ operation, input, introspectionHandling: noIntrospection }).data,
);
if (JSON.stringify(shaper.shape(input, undefined).data) !== reference)
  throw new Error("Outputs differ from Apollo's");

function microsecondsPerCall(run: () => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run();
  return Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS;
}

const best: Record<string, number> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(candidates)) {
    const micros = microsecondsPerCall(run);
    best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, micros);
  }
}

const apolloShape = best["apollo computeResponse"] ?? Number.NaN;
const apolloJson = best["apollo computeResponse + JSON.stringify"] ?? Number.NaN;
console.log(
  `Guild query, answer ${reference.length} bytes, ${ITERATIONS} iterations x ${ROUNDS} rounds (best round)`,
);
for (const [name, micros] of Object.entries(best)) {
  const versus = name.includes("JSON") ? apolloJson : apolloShape;
  console.log(
    `${name.padEnd(42)} ${micros.toFixed(1).padStart(8)} µs   ${(micros / versus).toFixed(3)} x Apollo`,
  );
}
