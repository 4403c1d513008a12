// The cache-tag contract between the subgraphs, which say what an answer is made of, and the gateway, which indexes
// its cache entries by it and lets operators (and a CDN in front of it) purge by it. Apollo Router's @cacheTag plays
// the same part.

/** The subgraph → gateway header and the gateway → client header of Cloudflare and Akamai: comma-separated. */
export const CACHE_TAG_HEADER = "cache-tag";
/** Fastly's name for the same list, space-separated. */
export const SURROGATE_KEY_HEADER = "surrogate-key";

/**
 * `<type>:<key>` for one entity (`province:40`, `procedure:1.001612`), or `<type>` alone, which stands for "some
 * entities of this type": an entity whose key is personal data, or a list too long for one header. Lowercase type,
 * and a key of letters, digits, `.`, `_` and `-` only, so that a tag never needs quoting in any header.
 */
export const CACHE_TAG_PATTERN = /^[a-z][a-z0-9_]*(:[A-Za-z0-9._-]{1,100})?$/;

/**
 * Headers of more than 16 KB are refused by Node's HTTP parser (and by Cloudflare and Fastly); a list longer than this
 * names its most numerous types by their type tag instead.
 */
export const MAX_CACHE_TAG_HEADER_BYTES = 8 * 1024;

/** The tag of one entity by its type and key value; null when the value cannot be a tag. */
export function entityTag(typename: string, keyValue: unknown): string | null {
  if (typeof keyValue !== "string" && typeof keyValue !== "number") return null;
  const tag = `${typename.toLowerCase()}:${keyValue}`;
  return CACHE_TAG_PATTERN.test(tag) ? tag : null;
}

/** The type tag of `<type>` and `<type>:<key>`. */
export function typeTagOf(tag: string): string {
  const colon = tag.indexOf(":");
  return colon === -1 ? tag : tag.slice(0, colon);
}

/**
 * The tags, sorted, within `maxBytes` once joined: while too long, the type with the most entity tags is replaced by its
 * type tag. Purging any `<type>:<key>` also purges entries tagged `<type>`, so collapsing never loses a purge.
 */
export function boundedTags(tags: Iterable<string>, maxBytes = MAX_CACHE_TAG_HEADER_BYTES): string[] {
  let list = [...new Set(tags)].sort();
  while (list.join(",").length > maxBytes) {
    const perType = new Map<string, number>();
    for (const tag of list) {
      if (tag.includes(":")) perType.set(typeTagOf(tag), (perType.get(typeTagOf(tag)) ?? 0) + 1);
    }
    const [widest] = [...perType.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (widest === undefined) break;
    list = [...new Set(list.map((tag) => (typeTagOf(tag) === widest ? widest : tag)))].sort();
  }
  return list;
}

/** A received `Cache-Tag` header's tags; anything not of the tag grammar is dropped. */
export function parseCacheTags(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(",") : header;
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => CACHE_TAG_PATTERN.test(tag));
}

/** Every tag whose entries a purge of `tags` removes: each tag, and for `<type>:<key>` also `<type>`. */
export function purgedTags(tags: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const tag of tags) {
    all.add(tag);
    all.add(typeTagOf(tag));
  }
  return [...all];
}
