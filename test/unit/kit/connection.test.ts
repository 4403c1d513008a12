import { describe, expect, it } from "vitest";
import {
  type Connection,
  fetchConnection,
  type PageFetcher,
  pageArgs,
} from "../../../subgraphs/kit/connection.ts";
import type { ListPage } from "../../../subgraphs/kit/platformRecords.ts";

const ITEMS = Array.from({ length: 23 }, (_, i) => `item-${i}`);

/** A platform listing over `items` with offset cursors, as the sandbox pages. */
function arrayPages<T>(items: readonly T[]): PageFetcher<T> {
  return async (cursor, limit) => {
    const offset = cursor === null ? 0 : Number(cursor);
    const end = offset + limit;
    return {
      items: items.slice(offset, end),
      totalCount: items.length,
      nextCursor: end < items.length ? String(end) : null,
    };
  };
}

/** A platform listing of `items` whose own pages hold at most `pageLimit` items, recording every call. */
function platformListing(pageLimit: number, items: readonly string[] = ITEMS) {
  const calls: Array<{ cursor: string | null; limit: number }> = [];
  const pages = arrayPages(items);
  return {
    calls,
    fetch: (cursor: string | null, limit: number): Promise<ListPage<string>> => {
      calls.push({ cursor, limit });
      return pages(cursor, Math.min(limit, pageLimit));
    },
  };
}

async function walk(first: number, pageLimit: number): Promise<string[][]> {
  const listing = platformListing(pageLimit);
  const pages: string[][] = [];
  let after: string | null = null;
  for (;;) {
    const connection: Connection<string> = await fetchConnection(listing.fetch, pageArgs(first, after));
    expect(connection.totalCount).toBe(ITEMS.length);
    pages.push(connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) return pages;
    after = connection.pageInfo.endCursor;
  }
}

/** A cursor as a client could forge one: base64url JSON of [platform cursor, position within its page]. */
function cursorOf(page: string | null, skip: number): string {
  return Buffer.from(JSON.stringify([page, skip])).toString("base64url");
}

describe("connections over platform listings", () => {
  it("pages through every item exactly once, whatever the platform's page size", async () => {
    for (const [first, pageLimit] of [
      [10, 500],
      [10, 4],
      [7, 3],
      [100, 5],
    ] as const) {
      const pages = await walk(first, pageLimit);
      expect(pages.flat()).toEqual(ITEMS);
      expect(pages.slice(0, -1).every((page) => page.length === first)).toBe(true);
    }
  });

  it("resumes after any edge's cursor, not only the end cursor", async () => {
    const listing = platformListing(500);
    const firstPage = await fetchConnection(listing.fetch, pageArgs(10, null));
    const fromFourth = await fetchConnection(listing.fetch, pageArgs(3, firstPage.edges[3]!.cursor));
    expect(fromFourth.edges.map((edge) => edge.node)).toEqual(["item-4", "item-5", "item-6"]);
    expect(fromFourth.pageInfo.hasPreviousPage).toBe(true);
  });

  it("answers first: 0 with the total and whether anything is there", async () => {
    const connection = await fetchConnection(platformListing(500).fetch, pageArgs(0, null));
    expect(connection).toEqual({
      totalCount: 23,
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("asks the platform for no more than the page needs", async () => {
    const listing = platformListing(500);
    await fetchConnection(listing.fetch, pageArgs(5, null));
    expect(listing.calls).toEqual([{ cursor: null, limit: 5 }]);
  });

  it("costs one platform page whatever cursor it is given, and still walks every item exactly once", async () => {
    const items = Array.from({ length: 1200 }, (_, i) => `item-${i}`);
    const listing = platformListing(500, items);
    // A cursor inside a page, so far in that the page cannot hold `first` more items.
    const deep = await fetchConnection(listing.fetch, pageArgs(100, cursorOf(null, 450)));
    expect(listing.calls).toEqual([{ cursor: null, limit: 500 }]);
    expect(deep.edges.map((edge) => edge.node)).toEqual(items.slice(450, 500));
    expect(deep.pageInfo.hasNextPage).toBe(true);
    const rest: string[] = [];
    let after = deep.pageInfo.endCursor;
    while (after !== null) {
      listing.calls.length = 0;
      const page = await fetchConnection(listing.fetch, pageArgs(100, after));
      expect(listing.calls).toHaveLength(1);
      expect(listing.calls[0]?.limit).toBe(100);
      rest.push(...page.edges.map((edge) => edge.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    expect(rest).toEqual(items.slice(500));
  });

  it("does not walk on from a cursor that points past its page", async () => {
    const items = Array.from({ length: 5000 }, (_, i) => `item-${i}`);
    const listing = platformListing(500, items);
    const past = await fetchConnection(listing.fetch, pageArgs(20, cursorOf(null, 500)));
    expect(listing.calls).toEqual([{ cursor: null, limit: 500 }]);
    expect(past.edges).toEqual([]);
  });

  it("refuses the paging attack before any platform call: a cursor position beyond the largest page", () => {
    expect(() => pageArgs(1, cursorOf(null, 1e9))).toThrow(
      "after: cursor position 1000000000 is outside 0..500",
    );
    expect(() => pageArgs(1, cursorOf(null, 501))).toThrow("after: cursor position 501 is outside 0..500");
    expect(() => pageArgs(1, cursorOf(null, -1))).toThrow("after: cursor position -1 is outside 0..500");
    expect(pageArgs(1, cursorOf(null, 500)).start).toEqual({ page: null, skip: 500 });
  });

  it("refuses a platform cursor the platform cannot have issued, before any platform call", () => {
    for (const cursor of [
      cursorOf("x".repeat(513), 0),
      cursorOf("", 0),
      cursorOf(null, 1.5),
      Buffer.from(JSON.stringify([null, 1, 2])).toString("base64url"),
    ]) {
      expect(() => pageArgs(1, cursor)).toThrow("after: not a cursor returned by this connection");
    }
    expect(pageArgs(1, cursorOf("x".repeat(512), 0)).start.page).toHaveLength(512);
  });

  it.each([
    [101, null, "first: 101 is outside 0..100"],
    [-1, null, "first: -1 is outside 0..100"],
    [5, "bm90IGEgY3Vyc29y", "after: not a cursor returned by this connection"],
  ])("rejects first %s after %s", (first, after, message) => {
    expect(() => pageArgs(first, after)).toThrow(message);
  });
});
