import type { GraphQLFormattedError } from "graphql";
import { cloneResult, type ResultObject } from "./resultTree.ts";

/**
 * The representations an `_entities` request sends when several entities of the answer have the same one (the same
 * product under many reviews): each distinct representation once, in order of first appearance. The subgraph parses,
 * resolves and answers it once, the gateway serialises and parses it once; its answer is then handed to every
 * entity that asked, as @apollo/gateway would have received it for each of them.
 */
export interface SharedRepresentations {
  sent: ResultObject[];
  /** Index in `sent` of each representation of the original list; null when all were distinct (`sent` is it). */
  sentIndexOf: number[] | null;
}

export function shareRepresentations(representations: ResultObject[]): SharedRepresentations {
  const root: TrieNode = new Map();
  const sent: ResultObject[] = [];
  const sentIndexOf: number[] = [];
  for (const representation of representations) {
    const leaf = leafOf(root, representation);
    let index = leaf.get(END) as number | undefined;
    if (index === undefined) {
      index = sent.push(representation) - 1;
      leaf.set(END, index);
    }
    sentIndexOf.push(index);
  }
  return sent.length === representations.length
    ? { sent: representations, sentIndexOf: null }
    : { sent, sentIndexOf };
}

/**
 * Representations are told apart by a trie of their fields, names and values in order: the same path means the same
 * JSON, hence the same request for the subgraph. Serialising each one to compare them costs several times more.
 */
type TrieNode = Map<unknown, unknown>;
const END = Symbol("representation");
/** Nested values (composite keys) are compared by their JSON text, under a branch of their own. */
const NESTED = Symbol("nested");

function leafOf(root: TrieNode, representation: ResultObject): TrieNode {
  let node = root;
  for (const key in representation) {
    const value = representation[key];
    node = child(node, key);
    node =
      typeof value === "object" && value !== null
        ? child(child(node, NESTED), JSON.stringify(value))
        : child(node, value);
  }
  return node;
}

function child(node: TrieNode, key: unknown): TrieNode {
  let next = node.get(key) as TrieNode | undefined;
  if (!next) {
    next = new Map();
    node.set(key, next);
  }
  return next;
}

/**
 * One answer per original representation. Entities are merged into the answer in place and rewritten per entity
 * (`__typename`, output rewrites), so each repeat gets a copy of its own, taken before any of them is touched.
 */
export function answersPerRepresentation(received: unknown[], shared: SharedRepresentations): unknown[] {
  const { sentIndexOf } = shared;
  if (!sentIndexOf) return received;
  const handedOut = new Array<boolean>(received.length).fill(false);
  return sentIndexOf.map((index) => {
    if (!handedOut[index]) {
      handedOut[index] = true;
      return received[index];
    }
    return cloneResult(received[index]);
  });
}

/**
 * The subgraph's errors as it would have reported them for the original list: an error of a shared representation
 * (`["_entities", i, ...]`) once for each entity that sent it, in the order of the list, as a subgraph resolving the
 * entities in order reports them; errors of no entity first. An index naming no representation stays one that names
 * none.
 */
export function errorsPerRepresentation(
  errors: readonly GraphQLFormattedError[],
  shared: SharedRepresentations,
): readonly GraphQLFormattedError[] {
  const { sentIndexOf, sent } = shared;
  if (!sentIndexOf) return errors;
  const ordered: GraphQLFormattedError[] = [];
  const bySentIndex = new Map<number, GraphQLFormattedError[]>();
  for (const error of errors) {
    const index = error.path?.[1];
    if (typeof index !== "number") {
      ordered.push(error);
    } else if (!Number.isInteger(index) || index < 0 || index >= sent.length) {
      ordered.push({ ...error, path: [error.path![0]!, -1, ...error.path!.slice(2)] });
    } else {
      const found = bySentIndex.get(index);
      if (found) found.push(error);
      else bySentIndex.set(index, [error]);
    }
  }
  sentIndexOf.forEach((index, position) => {
    for (const error of bySentIndex.get(index) ?? []) {
      ordered.push({ ...error, path: [error.path![0]!, position, ...error.path!.slice(2)] });
    }
  });
  return ordered;
}
