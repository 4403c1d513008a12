import { describe, expect, it } from "vitest";
import { visibilityClass } from "../../../common/caller.ts";
import {
  canonicalJson,
  entityKey,
  entityKeys,
  entityPurgePrefix,
  operationKey,
  privateKey,
} from "../../../gateway/cacheStore/keys.ts";

const document = "query ProvinceDashboard($code: ID!) { province(code: $code) { name } }";
const national = visibilityClass({ sub: "a", scopes: ["population:read"], province: null, commune: null });
const ngheAn = visibilityClass({ sub: "b", scopes: ["population:read"], province: "40", commune: null });
const version = "supergraph-1:policy-1";

describe("cache keys", () => {
  it("do not depend on the order of object keys in variables", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: 3 } })).toBe(
      canonicalJson({ a: { c: 3, d: [2, { x: 2, y: 1 }] }, b: 1 }),
    );
    const base = { version, document, operationName: "ProvinceDashboard", visibilityClass: national };
    expect(operationKey({ ...base, variables: { code: "40", year: 2025 } })).toBe(
      operationKey({ ...base, variables: { year: 2025, code: "40" } }),
    );
  });

  it("separate callers of different visibility classes", () => {
    const variables = { code: "40" };
    expect(national).not.toBe(ngheAn);
    expect(
      operationKey({ version, document, operationName: null, variables, visibilityClass: national }),
    ).not.toBe(operationKey({ version, document, operationName: null, variables, visibilityClass: ngheAn }));
  });

  it("separate operations, operation names and variables", () => {
    const base = {
      version,
      document,
      operationName: "A",
      variables: { code: "40" },
      visibilityClass: national,
    };
    const key = operationKey(base);
    expect(operationKey({ ...base, operationName: "B" })).not.toBe(key);
    expect(operationKey({ ...base, variables: { code: "41" } })).not.toBe(key);
    expect(operationKey({ ...base, document: `${document} ` })).not.toBe(key);
  });

  it("separate versions of the supergraph and policy, for operations and entities alike", () => {
    const operation = { version, document, operationName: null, variables: {}, visibilityClass: national };
    expect(operationKey({ ...operation, version: "supergraph-2:policy-1" })).not.toBe(
      operationKey(operation),
    );
    const entity = {
      version,
      subgraph: "population",
      selectionHash: "s",
      visibilityClass: national,
      representation: { __typename: "Commune", code: "40001" },
    };
    const reloaded = entityKey({ ...entity, version: "supergraph-1:policy-2" });
    expect(reloaded).not.toBe(entityKey(entity));
    // Still purgeable by type and key.
    expect(reloaded.startsWith(entityPurgePrefix("Commune", { code: "40001" }))).toBe(true);
  });

  it("key PRIVATE copies by the caller, without the caller id in clear", () => {
    const key = operationKey({
      version,
      document,
      operationName: null,
      variables: {},
      visibilityClass: national,
    });
    expect(privateKey(key, "caller-1")).not.toBe(privateKey(key, "caller-2"));
    expect(privateKey(key, "caller-1").startsWith(key)).toBe(true);
    expect(privateKey(key, "caller-1")).not.toContain("caller-1");
  });

  it("start entity keys with type and key, so a type or one entity can be purged by prefix", () => {
    const input = { version, subgraph: "population", selectionHash: "s", visibilityClass: national };
    const commune = entityKey({ ...input, representation: { __typename: "Commune", code: "40001" } });
    const other = entityKey({ ...input, representation: { __typename: "Commune", code: "40002" } });
    expect(commune.startsWith(entityPurgePrefix("Commune"))).toBe(true);
    expect(commune.startsWith(entityPurgePrefix("Commune", { code: "40001" }))).toBe(true);
    expect(other.startsWith(entityPurgePrefix("Commune", { code: "40001" }))).toBe(false);
    expect(commune.startsWith(entityPurgePrefix("Comm"))).toBe(false);
    expect(
      entityKey({
        ...input,
        visibilityClass: ngheAn,
        representation: { __typename: "Commune", code: "40001" },
      }),
    ).not.toBe(commune);
    expect(
      entityKey({ ...input, subgraph: "business", representation: { __typename: "Commune", code: "40001" } }),
    ).not.toBe(commune);
  });

  it("keep personal identifiers out of entity keys", () => {
    const key = entityKey({
      version,
      subgraph: "population",
      selectionHash: "s",
      visibilityClass: national,
      representation: { __typename: "Citizen", id: "040190001234" },
    });
    expect(key).not.toContain("040190001234");
  });

  it("key a fetch's representations as each one alone, in their order", () => {
    const input = { version, subgraph: "population", selectionHash: "s", visibilityClass: national };
    const representations = [
      { __typename: "Province", code: "40" },
      { __typename: "Commune", code: "40001" },
      { __typename: "Commune", code: "40002" },
    ];
    const keys = entityKeys({ ...input, representations });
    expect(keys).toEqual(representations.map((representation) => entityKey({ ...input, representation })));
    expect(new Set(keys).size).toBe(3);
    expect(keys[1]!.startsWith(entityPurgePrefix("Commune", { code: "40001" }))).toBe(true);
  });

  it("key an entity by its key fields whatever their order, flat or nested, so ops can purge it by them", () => {
    const input = { version, subgraph: "inventory", selectionHash: "s", visibilityClass: national };
    const flat = entityKeys({
      ...input,
      representations: [
        { __typename: "Product", upc: "1", sku: 7, active: true },
        { sku: 7, active: true, __typename: "Product", upc: "1" },
        { __typename: "Product", upc: "1", sku: 8, active: true },
      ],
    });
    expect(flat[0]).toBe(flat[1]);
    expect(flat[2]).not.toBe(flat[0]);
    expect(flat[0]!.startsWith(entityPurgePrefix("Product", { active: true, sku: 7, upc: "1" }))).toBe(true);
    const [nested] = entityKeys({
      ...input,
      representations: [{ __typename: "Product", upc: "1", dimensions: { w: 2, h: 1 } }],
    });
    expect(nested!.startsWith(entityPurgePrefix("Product", { dimensions: { h: 1, w: 2 }, upc: "1" }))).toBe(
      true,
    );
    expect(nested!.startsWith(entityPurgePrefix("Product", { upc: "1" }))).toBe(false);
  });
});
