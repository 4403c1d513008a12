import { hash } from "node:crypto";

/** JSON with object keys sorted at every depth, so equal values always produce equal text (and equal cache keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeysDeep(child);
    }
    return sorted;
  }
  return value;
}

/** One-shot: a cold dashboard hashes hundreds of keys, and a Hash object per key costs more than the digest itself. */
export function sha256(text: string): string {
  return hash("sha256", text, "hex");
}

/**
 * Caller ids are hashed before they become part of a key: Redis keys are visible to anyone with Redis access
 * (MONITOR, SCAN), and a caller id has no business there in clear.
 */
function callerSegment(sub: string): string {
  return `u:${sha256(sub).slice(0, 32)}`;
}

export interface OperationKeyInput {
  /** The cache version (supergraph and answer-shaping policy): an entry of another version is never read. */
  version: string;
  document: string;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | undefined;
  visibilityClass: string;
}

/** Shared by the response cache and inbound deduplication: what makes two operations answer identically. */
export function operationKey(input: OperationKeyInput): string {
  return sha256(
    canonicalJson([
      input.version,
      input.document,
      input.operationName ?? null,
      input.variables ?? {},
      input.visibilityClass,
    ]),
  );
}

/** The key under which one caller's own copy of a PRIVATE result lives. */
export function privateKey(publicKey: string, sub: string): string {
  return `${publicKey}:${callerSegment(sub)}`;
}

export interface EntityKeysInput {
  version: string;
  subgraph: string;
  representations: readonly Record<string, unknown>[];
  selectionHash: string;
  visibilityClass: string;
}

export type EntityKeyInput = Omit<EntityKeysInput, "representations"> & {
  representation: Record<string, unknown>;
};

/**
 * `<Type>:<hash of the representation's fields>:<hash of version, subgraph, selection set, visibility class>`: the type
 * and the entity's identity come first so that ops can purge one type or one entity with a prefix deletion. The second
 * hash is the same for every representation of a fetch, so it is computed once per fetch, not once per entity.
 */
export function entityKeys(input: EntityKeysInput): string[] {
  const variant = sha256(
    canonicalJson([input.version, input.subgraph, input.selectionHash, input.visibilityClass]),
  ).slice(0, 32);
  return input.representations.map((representation) => {
    const flat = flatKeyFieldsJson(representation);
    if (flat === null) {
      const { __typename, ...fields } = representation;
      return `${entityPurgePrefix(String(__typename), fields)}${variant}`;
    }
    return `${memoizedPurgePrefix(String(representation.__typename), flat)}${variant}`;
  });
}

/**
 * The purge prefixes of recent entities. A plan step sends the same representations to several subgraphs (a
 * province's 131 units to three statistics subgraphs), so most prefixes of a step were hashed by the fetch before it.
 */
const purgePrefixes = new Map<string, string>();
const MAX_MEMOIZED_PREFIXES = 10_000;

function memoizedPurgePrefix(typename: string, keyFieldsJson: string): string {
  const memoKey = `${typename}:${keyFieldsJson}`;
  let prefix = purgePrefixes.get(memoKey);
  if (prefix === undefined) {
    prefix = `${typename}:${sha256(keyFieldsJson).slice(0, 32)}:`;
    if (purgePrefixes.size >= MAX_MEMOIZED_PREFIXES) purgePrefixes.clear();
    purgePrefixes.set(memoKey, prefix);
  }
  return prefix;
}

/**
 * `canonicalJson` of a representation's key fields (all but `__typename`) when every one is a string, number or
 * boolean, as almost every key is (`{"code":"16681"}`), without copying the object twice; null otherwise.
 */
function flatKeyFieldsJson(representation: Record<string, unknown>): string | null {
  const names = Object.keys(representation);
  names.sort();
  let json = "{";
  for (const name of names) {
    if (name === "__typename") continue;
    const value = representation[name];
    const kind = typeof value;
    if (kind === "undefined") continue;
    if (kind !== "string" && kind !== "number" && kind !== "boolean") return null;
    json += `${json.length > 1 ? "," : ""}${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  return `${json}}`;
}

/** The key of one representation (see `entityKeys`). */
export function entityKey(input: EntityKeyInput): string {
  const { representation, ...variant } = input;
  return entityKeys({ ...variant, representations: [representation] })[0]!;
}

/** Prefix of every entity-cache key for a type, or for one entity of that type when its key fields are given. */
export function entityPurgePrefix(typename: string, keyFields?: Record<string, unknown>): string {
  if (keyFields === undefined) return `${typename}:`;
  return `${typename}:${sha256(canonicalJson(keyFields)).slice(0, 32)}:`;
}

export interface RootFetchKeyInput {
  version: string;
  subgraph: string;
  /** The fetch's operation text as the planner wrote it; it carries the selection and the operation name. */
  query: string;
  variables: Record<string, unknown> | undefined;
  visibilityClass: string;
}

/**
 * Prefix of every root-field fetch entry. They share the entity store; `@` cannot begin a GraphQL type name, so no
 * entity purge prefix ever matches one.
 */
export const ROOT_FETCH_PREFIX = "@fetch:";

/** `@fetch:<subgraph>:<hash of version, subgraph, operation, canonical variables, visibility class>`. */
export function rootFetchKey(input: RootFetchKeyInput): string {
  const variant = sha256(
    canonicalJson([input.version, input.subgraph, input.query, input.variables ?? {}, input.visibilityClass]),
  );
  return `${ROOT_FETCH_PREFIX}${input.subgraph}:${variant}`;
}
