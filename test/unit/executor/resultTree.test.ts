// The answer tree a plan builds: subgraph results merged in place, Flatten paths walked to the entities they name
// (lists, type conditions, nulls skipped) with the entities' concrete paths for errors.
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { representationBuilder } from "../../../gateway/executor/representations.ts";
import { cloneResult, mergeInto, moveInto, rootCursor } from "../../../gateway/executor/resultTree.ts";
import { createTypeMatcher } from "../../../gateway/executor/typeConditions.ts";

const schema = buildSchema(`
  type Query { units: [Unit] }
  interface Unit { code: ID! }
  type Province implements Unit { code: ID! region: Region }
  type Commune implements Unit { code: ID! }
  type Region { name: String, code: ID }
`);
const matches = createTypeMatcher(schema, false);

describe("mergeInto", () => {
  it("merges objects key by key and equal-length lists element by element, without copying", () => {
    const commune = { code: "A" };
    const target: Record<string, unknown> = { province: { code: "40", communes: [commune, null] } };
    mergeInto(target, { province: { name: "Nghệ An", communes: [{ population: 3 }, { code: "B" }] } });
    expect(target).toEqual({
      province: { code: "40", name: "Nghệ An", communes: [{ code: "A", population: 3 }, { code: "B" }] },
    });
    expect((target.province as { communes: unknown[] }).communes[0]).toBe(commune);
  });

  it("never changes an object's prototype through a `__proto__` key", () => {
    const target: Record<string, unknown> = {};
    mergeInto(target, JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'));
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(target).toEqual({ ok: 1 });
  });
});

describe("cloneResult", () => {
  it("copies every nested object and list, and a `__proto__` field cannot change the copy's prototype", () => {
    const original = JSON.parse(
      '{"__proto__": {"polluted": true}, "stats": {"total": 1}, "tags": [{"a": 1}]}',
    );
    const copy = cloneResult(original) as Record<string, { [key: string]: unknown }>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.stats).toEqual({ total: 1 });
    expect(copy.stats).not.toBe(original.stats);
    expect(copy.tags![0]).not.toBe(original.tags[0]);
  });
});

describe("moveInto", () => {
  const data = {
    units: [
      { __typename: "Province", code: "40", communes: [{ __typename: "Commune", code: "A" }, null] },
      null,
      { __typename: "Commune", code: "B" },
      { __typename: "Province", code: "42", communes: [{ __typename: "Commune", code: "C" }] },
    ],
  };

  it("reaches the objects a path names, skipping nulls, with their concrete paths on demand", () => {
    const cursor = moveInto(rootCursor(data), ["units", "@", "communes", "@"], matches);
    expect(cursor.objects.map((o) => o.code)).toEqual(["A", "C"]);
    expect(cursor.paths()).toEqual([
      ["units", 0, "communes", 0],
      ["units", 3, "communes", 0],
    ]);
    expect(cursor.pattern).toEqual(["units", "@", "communes", "@"]);
  });

  it("keeps only the objects of a `... on T` step", () => {
    const cursor = moveInto(rootCursor(data), ["units", "@", "... on Commune"], matches);
    expect(cursor.objects.map((o) => o.code)).toEqual(["B"]);
    expect(cursor.paths()).toEqual([["units", 2]]);
  });

  it("composes: a path inside a cursor continues from each of its objects' paths", () => {
    const provinces = moveInto(rootCursor(data), ["units", "@", "... on Province"], matches);
    const communes = moveInto(provinces, ["communes", "@"], matches);
    expect(communes.paths()).toEqual([
      ["units", 0, "communes", 0],
      ["units", 3, "communes", 0],
    ]);
  });
});

describe("representationBuilder", () => {
  const requires = [
    {
      kind: "InlineFragment" as const,
      typeCondition: "Province",
      selections: [
        { kind: "Field" as const, name: "__typename" },
        { kind: "Field" as const, name: "code" },
        { kind: "Field" as const, name: "region", selections: [{ kind: "Field" as const, name: "code" }] },
      ],
    },
  ];

  const buildRepresentation = (entity: Record<string, unknown>) =>
    representationBuilder(requires)(entity, matches);

  it("takes the required fields in the selection's order, nested ones included", () => {
    const entity = {
      name: "x",
      region: { code: "NC", name: "Bắc Trung Bộ" },
      code: "40",
      __typename: "Province",
    };
    const representation = buildRepresentation(entity);
    expect(JSON.stringify(representation)).toBe(
      '{"__typename":"Province","code":"40","region":{"code":"NC"}}',
    );
  });

  it("joins the fields of an object selected again under another matching condition", () => {
    const build = representationBuilder([
      ...requires,
      {
        kind: "InlineFragment" as const,
        typeCondition: "Unit",
        selections: [
          { kind: "Field" as const, name: "region", selections: [{ kind: "Field" as const, name: "name" }] },
        ],
      },
    ]);
    const entity = { __typename: "Province", code: "40", region: { code: "NC", name: "Bắc Trung Bộ" } };
    expect(JSON.stringify(build(entity, matches))).toBe(
      '{"__typename":"Province","code":"40","region":{"code":"NC","name":"Bắc Trung Bộ"}}',
    );
  });

  it("is null for an entity of another type or missing a required field", () => {
    expect(buildRepresentation({ __typename: "Commune", code: "A" })).toBeNull();
    expect(buildRepresentation({ __typename: "Province", code: "40" })).toBeNull();
  });
});
