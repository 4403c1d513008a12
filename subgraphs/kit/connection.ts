import { badUserInput } from "../../common/errors.ts";
import { type ListPage, PLATFORM_MAX_PAGE } from "./platformRecords.ts";

// Relay-style connections over the platforms' listings, shared by every subgraph with a listing.
// A platform page only says where the *next page* starts (`nextCursor`), while Relay wants a cursor per edge, so an
// edge cursor is the platform cursor of the page it came from plus how many items of that page precede the next edge.
//
// Bounds: `first` (0..100) is the platform page size; a cursor is checked before any platform call (its position
// within a page can never be beyond the largest page, its platform cursor is short); one connection costs one
// platform page, and more only when the platform answers with shorter pages than asked for, each of which must then
// deliver an edge. A crafted `after` can therefore never make a subgraph walk a listing.

export const MAX_FIRST = 100;
/** Platform cursors are short opaque tokens (the sandbox's are ~15 characters); a longer one is not one of theirs. */
export const MAX_PLATFORM_CURSOR_LENGTH = 512;

/** One platform listing request from `cursor` (null: the start) for at most `limit` items. */
export type PageFetcher<T> = (cursor: string | null, limit: number) => Promise<ListPage<T>>;

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  totalCount: number;
  edges: Edge<T>[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

interface Position {
  /** Platform cursor of a page (null: the first page). */
  page: string | null;
  /** Items of that page already delivered: at most the largest page. */
  skip: number;
}

export interface PageArgs {
  first: number;
  start: Position;
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.page, position.skip])).toString("base64url");
}

function decodeCursor(cursor: string): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // not base64url JSON: reported below like any other foreign cursor
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    !(decoded[0] === null || typeof decoded[0] === "string") ||
    !Number.isInteger(decoded[1])
  ) {
    throw badUserInput("after: not a cursor returned by this connection");
  }
  const [page, skip] = decoded as [string | null, number];
  if (skip < 0 || skip > PLATFORM_MAX_PAGE) {
    throw badUserInput(`after: cursor position ${skip} is outside 0..${PLATFORM_MAX_PAGE}`);
  }
  if (page !== null && (page === "" || page.length > MAX_PLATFORM_CURSOR_LENGTH)) {
    throw badUserInput("after: not a cursor returned by this connection");
  }
  return { page, skip };
}

export function pageArgs(first: number | null | undefined, after: string | null | undefined): PageArgs {
  const count = first ?? 20;
  if (!Number.isInteger(count) || count < 0 || count > MAX_FIRST) {
    throw badUserInput(`first: ${count} is outside 0..${MAX_FIRST}`);
  }
  return { first: count, start: after == null ? { page: null, skip: 0 } : decodeCursor(after) };
}

export async function fetchConnection<T>(fetchPage: PageFetcher<T>, args: PageArgs): Promise<Connection<T>> {
  const edges: Edge<T>[] = [];
  let position: Position | null = args.start;
  let totalCount = 0;
  let more: boolean;
  do {
    const from: Position = position;
    const wanted = args.first - edges.length;
    // At least one item even for first: 0, so that totalCount and hasNextPage are known.
    const limit = Math.min(PLATFORM_MAX_PAGE, from.skip + Math.max(wanted, 1));
    const page: ListPage<T> = await fetchPage(from.page, limit);
    totalCount = page.totalCount;
    const taken = page.items.slice(from.skip, from.skip + wanted);
    taken.forEach((node, index) => {
      const isLastOfPage = from.skip + index + 1 === page.items.length;
      const after: Position =
        isLastOfPage && page.nextCursor !== null
          ? { page: page.nextCursor, skip: 0 }
          : { page: from.page, skip: from.skip + index + 1 };
      edges.push({ cursor: encodeCursor(after), node });
    });
    const consumed = from.skip + taken.length;
    if (consumed < page.items.length) position = { page: from.page, skip: consumed };
    else position = page.nextCursor === null ? null : { page: page.nextCursor, skip: 0 };
    // The next platform page only when this one was shorter than asked (the platform's own page size) and still
    // delivered: a cursor pointing past its page ends the walk instead of starting one.
    more = page.items.length < limit && taken.length > 0;
  } while (more && position !== null && edges.length < args.first);
  return {
    totalCount,
    edges,
    pageInfo: {
      hasNextPage: position !== null,
      hasPreviousPage: args.start.page !== null || args.start.skip > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
