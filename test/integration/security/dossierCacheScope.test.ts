// Per-field cache scope (SCHEMA.md, "Caching hints"): a dossier's status fields are PUBLIC, so the public status
// lookup is one shared answer; `applicant` and `history` are PRIVATE and make only the answers that select them
// private — cached for the caller who asked, never handed to another.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Stack, startStack } from "../../support/stack.ts";

const STATUS_LOOKUP = "query ($code: ID!) { dossier(code: $code) { code status receivedAt dueAt } }";
const WITH_APPLICANT = "query ($code: ID!) { dossier(code: $code) { code status applicant { __typename } } }";

let stack: Stack;
let code: string;

beforeAll(async () => {
  stack = await startStack();
  const listing = await stack.sandbox.get<{ items: { code: string }[] }>(
    "/procedures/v1/dossiers?province=40&limit=1",
  );
  code = listing.items[0]!.code;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it("an anonymous status lookup is shareable: a second anonymous caller gets the cached answer", async () => {
  const first = await stack.gateway.query(STATUS_LOOKUP, { code });
  expect(first.errors).toBeUndefined();
  expect(first.data?.dossier).toMatchObject({ code, status: expect.any(String) });
  expect(first.headers.get("cache-control")).toMatch(/^max-age=\d+, stale-while-revalidate=30, public$/);

  const second = await stack.gateway.query(STATUS_LOOKUP, { code });
  expect(second.headers.get("x-cache")).toBe("HIT");
  expect(second.data).toEqual(first.data);
}, 60_000);

it("a lookup selecting the applicant stays private: cached for its caller only", async () => {
  const officer = { scopes: ["dossier:read"], province: "40" };
  const alice = await stack.token({ ...officer, sub: "officer-alice" });
  const bob = await stack.token({ ...officer, sub: "officer-bob" });

  const first = await stack.gateway.query(WITH_APPLICANT, { code }, alice);
  expect(first.errors).toBeUndefined();
  expect(first.data?.dossier.applicant).toEqual({
    __typename: expect.stringMatching(/^(Citizen|Enterprise)$/),
  });
  expect(first.headers.get("cache-control")).toBe("no-store");

  const other = await stack.gateway.query(WITH_APPLICANT, { code }, bob);
  expect(other.headers.get("x-cache")).not.toBe("HIT");
  const again = await stack.gateway.query(WITH_APPLICANT, { code }, alice);
  expect(again.headers.get("x-cache")).toBe("HIT");
  expect(again.data).toEqual(first.data);
}, 60_000);
