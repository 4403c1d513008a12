import { type DocumentNode, Kind, parse, visit } from "graphql";

/**
 * A schema's names (types, fields, arguments, enum values), interned by V8 as one-byte strings and held, so that V8
 * keeps using these copies.
 *
 * V8 keeps one copy of each property name, and the first copy interned decides its representation. Apollo's
 * federation code (@apollo/gateway, @apollo/subgraph) validates a schema by re-parsing a printed copy, and that
 * copy is two bytes per character although it is ASCII: it joins directive locations with `Array.prototype.join`,
 * which returns a two-byte string when its items are V8 "thin" strings. A schema file with one non-ASCII character
 * (a Vietnamese description) is two-byte from the start. Every name of the schema then became two-byte, and so did
 * every JSON answer using them as keys, which costs more to serialise, and far more to turn into bytes: for the
 * Guild query's 87 KB answer, about 1 ms against some 50 µs (bench/PROFILES.md).
 *
 * GraphQL names are ASCII, so each is copied into a one-byte string and interned before Apollo's code reads the
 * schema; later lookups of the same name find that copy. V8 drops a name nobody references any more, so the caller
 * keeps the returned object for as long as the schema serves.
 */
export function internSchemaNames(document: DocumentNode | string): Readonly<Record<string, true>> {
  const names: Record<string, true> = Object.create(null);
  visit(typeof document === "string" ? parse(document, { noLocation: true }) : document, {
    [Kind.NAME](node) {
      // A computed key is interned; latin1 decoding makes the copy one-byte whatever the source text was.
      names[Buffer.from(node.value, "latin1").toString("latin1")] = true;
    },
  });
  return names;
}
