import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGuildData } from "../../../bench/guild/data.ts";
import type { GuildServer } from "../../../bench/guild/server.ts";
import { createGuildServer } from "../../../bench/guild/server.ts";

interface Reply {
  status: number;
  body: { data?: Record<string, unknown>; errors?: { message: string }[] };
}

let server: GuildServer;
let baseUrl: string;

async function post(path: string, body: unknown): Promise<Reply> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Reply["body"] };
}

function entities(path: string, representations: unknown[], selection: string, typeName: string) {
  return post(path, {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typeName} { ${selection} } } }`,
    variables: { r: representations },
  });
}

beforeAll(async () => {
  server = createGuildServer({ host: "127.0.0.1", port: 0, delayMs: 0 }, { data: loadGuildData() });
  baseUrl = (await server.start()).url;
});
afterAll(() => server.stop());

describe("Guild benchmark subgraphs", () => {
  it("accounts: all six users, `me` is user 1, users by id and as entities", async () => {
    const reply = await post("/accounts", {
      query: '{ users { id } me { username } user(id: "3") { name } }',
    });
    expect(reply.body.data).toEqual({
      users: ["1", "2", "3", "4", "5", "6"].map((id) => ({ id })),
      me: { username: "urigo" },
      user: { name: "Kamil Kisiela" },
    });
    const entity = await entities("/accounts", [{ __typename: "User", id: "2" }], "username", "User");
    expect(entity.body.data).toEqual({ _entities: [{ username: "dotansimha" }] });
  });

  it("products: topProducts returns the first `first` products in order (5 by default)", async () => {
    const reply = await post("/products", {
      query: "{ five: topProducts { upc } two: topProducts(first: 2) { name price } }",
    });
    expect(reply.body.data).toEqual({
      five: ["1", "2", "3", "4", "5"].map((upc) => ({ upc })),
      two: [
        { name: "Table", price: 899 },
        { name: "Couch", price: 1299 },
      ],
    });
  });

  it("reviews: product reviews in order, fixed author with reviews 1 and 2, User entity named 'user'", async () => {
    const products = await entities(
      "/reviews",
      [{ __typename: "Product", upc: "4" }],
      "reviews { id author { id username reviews { id } } product { upc } }",
      "Product",
    );
    const fixedAuthor = { id: "1", username: "urigo", reviews: [{ id: "1" }, { id: "2" }] };
    expect(products.body.data).toEqual({
      _entities: [
        {
          reviews: [
            { id: "10", author: fixedAuthor, product: { upc: "4" } },
            { id: "11", author: fixedAuthor, product: { upc: "4" } },
          ],
        },
      ],
    });
    const users = await entities(
      "/reviews",
      [{ __typename: "User", id: "5" }],
      "id username reviews { id }",
      "User",
    );
    expect(users.body.data).toEqual({
      _entities: [{ id: "5", username: "user", reviews: [{ id: "1" }, { id: "2" }] }],
    });
  });

  it("inventory: stock by upc; shipping estimate 0 above a price of 1000, else weight / 2 rounded down", async () => {
    const reply = await entities(
      "/inventory",
      [
        { __typename: "Product", upc: "1", price: 899, weight: 101 },
        { __typename: "Product", upc: "2", price: 1299, weight: 1000 },
      ],
      "upc inStock shippingEstimate",
      "Product",
    );
    expect(reply.body.data).toEqual({
      _entities: [
        { upc: "1", inStock: true, shippingEstimate: 50 },
        { upc: "2", inStock: false, shippingEstimate: 0 },
      ],
    });
  });

  it("answers unknown paths with 404 and malformed bodies with 400, without crashing", async () => {
    expect((await post("/nowhere", { query: "{ __typename }" })).status).toBe(404);
    const malformed = await post("/accounts", "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.message).toMatch(/JSON/);
    const invalid = await post("/accounts", { query: "{ nope }" });
    expect(invalid.body.errors?.[0]?.message).toMatch(/nope/);
    expect((await post("/accounts", { query: "{ me { id } }" })).body.data).toEqual({ me: { id: "1" } });
  });
});

describe("SUBGRAPH_DELAY_MS", () => {
  it("delays every subgraph answer by the configured time", async () => {
    const slow = createGuildServer({ host: "127.0.0.1", port: 0, delayMs: 60 }, { data: loadGuildData() });
    const { url } = await slow.start();
    try {
      const started = performance.now();
      const response = await fetch(`${url}/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ me { id } }" }),
      });
      await response.json();
      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    } finally {
      await slow.stop();
    }
  });
});
