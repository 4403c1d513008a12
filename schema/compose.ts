import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

// Composes the subgraph SDLs (subgraphs/<name>/schema.graphql) into schema/supergraph.graphql: npm run compose.
// The routing URLs written into the supergraph come from <NAME>_URL, defaulting to the local ports 4001–4004.

export const SUBGRAPHS = [
  { name: "population", port: 4001 },
  { name: "business", port: 4002 },
  { name: "procedures", port: 4003 },
  { name: "reporting", port: 4004 },
] as const;

export const SUPERGRAPH_FILE = new URL("./supergraph.graphql", import.meta.url);

const ROOT = new URL("../", import.meta.url);

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** The subgraphs that have a schema.graphql, with their routing URL from the environment. */
export function readSubgraphSources(env: Record<string, string | undefined> = process.env): SubgraphSource[] {
  return SUBGRAPHS.flatMap(({ name, port }) => {
    const file = new URL(`subgraphs/${name}/schema.graphql`, ROOT);
    if (!existsSync(file)) return [];
    const url = env[`${name.toUpperCase()}_URL`] || `http://127.0.0.1:${port}/graphql`;
    return [{ name, url, sdl: readFileSync(file, "utf8") }];
  });
}

export type CompositionOutcome = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function composeSupergraph(sources: readonly SubgraphSource[]): CompositionOutcome {
  if (sources.length === 0) return { ok: false, errors: ["no subgraphs/<name>/schema.graphql found"] };
  const parseErrors: string[] = [];
  const services = sources.flatMap(({ name, url, sdl }) => {
    try {
      return [{ name, url, typeDefs: parse(sdl) }];
    } catch (error) {
      parseErrors.push(`[${name}] ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  });
  if (parseErrors.length > 0) return { ok: false, errors: parseErrors };
  const result = composeServices(services);
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((error) => `${error.extensions.code ?? "ERROR"}: ${error.message}`),
    };
  }
  return { ok: true, supergraphSdl: `${result.supergraphSdl.trimEnd()}\n` };
}

function main(): void {
  const sources = readSubgraphSources();
  const outcome = composeSupergraph(sources);
  if (!outcome.ok) {
    console.error(`composition failed:\n${outcome.errors.join("\n")}`);
    process.exit(1);
  }
  writeFileSync(SUPERGRAPH_FILE, outcome.supergraphSdl);
  console.log(`composed ${sources.map((s) => s.name).join(", ")} into schema/supergraph.graphql`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  main();
}
