import { readFileSync } from "node:fs";
import { type DocumentNode, Kind, parse } from "graphql";
import { internSchemaNames } from "../../common/oneByteNames.ts";

/** Each file's document, and its names interned one-byte before @apollo/subgraph sees them (held for the process). */
const parsed = new Map<string, { document: DocumentNode; names: Readonly<Record<string, true>> }>();

/** A subgraph's `schema.graphql` (`new URL("./schema.graphql", import.meta.url)`), parsed once per process. */
export function loadTypeDefs(file: URL): DocumentNode {
  let entry = parsed.get(file.href);
  if (!entry) {
    const document = parse(readFileSync(file, "utf8"));
    entry = { document, names: internSchemaNames(document) };
    parsed.set(file.href, entry);
  }
  return entry.document;
}

/**
 * The `maxAge` of each type's `@cacheControl` hint in a subgraph's SDL. It is the one statement of how fresh a kind
 * of record is: clients may cache the type that long, and the record cache keeps the platform records behind it
 * that long (`ttlSeconds: maxAge("Citizen")` in platform.ts). Asking for a type without a positive `maxAge` throws
 * at start-up, so a spec can never silently cache for 0 s.
 */
export function cacheMaxAge(file: URL): (typeName: string) => number {
  const maxAges = new Map<string, number>();
  for (const definition of loadTypeDefs(file).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) {
      continue;
    }
    const hint = definition.directives?.find((directive) => directive.name.value === "cacheControl");
    const maxAge = hint?.arguments?.find((argument) => argument.name.value === "maxAge")?.value;
    if (maxAge?.kind === Kind.INT) maxAges.set(definition.name.value, Number(maxAge.value));
  }
  return (typeName) => {
    const seconds = maxAges.get(typeName);
    if (seconds === undefined || seconds <= 0) {
      throw new Error(`${file.pathname}: type ${typeName} has no @cacheControl(maxAge:) above 0`);
    }
    return seconds;
  };
}
