import { describe, expect, it } from "vitest";
import { arrayPages, type Connection, fetchConnection, pageArgs } from "../../../subgraphs/kit/connection.ts";
import type { ListPage } from "../../../subgraphs/kit/platformRecords.ts";

const ITEMS = Array.from({ length: 23 }, (_, i) => `item-${i}`);

/** A platform listing of ITEMS whose own pages hold at most `pageLimit` items, recording every call. */
function platformListing(pageLimit: number) {
  const calls: Array<{ cursor: string | null; limit: number }> = [];
  const pages = arrayPages(ITEMS);
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

  it.each([
    [101, null, "first: 101 is outside 0..100"],
    [-1, null, "first: -1 is outside 0..100"],
    [5, "bm90IGEgY3Vyc29y", "after: not a cursor returned by this connection"],
  ])("rejects first %s after %s", (first, after, message) => {
    expect(() => pageArgs(first, after)).toThrow(message);
  });
});
