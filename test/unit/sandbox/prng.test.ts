import { describe, expect, it } from "vitest";
import { createPermutation, createSlotAssignment, hash } from "../../../sandbox/generate/prng.ts";

describe("keyed permutation", () => {
  it("is a bijection of its domain with a working inverse", () => {
    for (const size of [1, 7, 1000, 4097]) {
      const permutation = createPermutation(size, 42);
      const seen = new Set<number>();
      for (let value = 0; value < size; value++) {
        const image = permutation.forward(value);
        expect(image).toBeGreaterThanOrEqual(0);
        expect(image).toBeLessThan(size);
        expect(permutation.inverse(image)).toBe(value);
        seen.add(image);
      }
      expect(seen.size).toBe(size);
    }
  });

  it("depends on its key", () => {
    const a = createPermutation(1_000_000, 1);
    const b = createPermutation(1_000_000, 2);
    const differing = [0, 1, 2, 3, 4, 5, 6, 7].filter((value) => a.forward(value) !== b.forward(value));
    expect(differing.length).toBeGreaterThan(5);
  });
});

describe("slot assignment", () => {
  it("answers which slots a member got, exactly", () => {
    for (const members of [1, 10, 997, 1200]) {
      const assignment = createSlotAssignment(members, hash(members));
      const slots = 3 * members + 5;
      const byMember = new Map<number, number[]>();
      for (let slot = 0; slot < slots; slot++) {
        const member = assignment.member(slot);
        expect(member).toBeGreaterThanOrEqual(0);
        expect(member).toBeLessThan(members);
        byMember.set(member, [...(byMember.get(member) ?? []), slot]);
      }
      for (let member = 0; member < members; member++) {
        expect(assignment.slotsOf(member, slots)).toEqual(byMember.get(member) ?? []);
      }
    }
  });

  it("has nobody to assign when there are no members", () => {
    expect(createSlotAssignment(0, 1).slotsOf(0, 10)).toEqual([]);
  });
});
