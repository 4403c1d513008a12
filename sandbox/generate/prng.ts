/**
 * Deterministic hashing: every generated attribute is a pure function of its record's coordinates, so any
 * record can be derived on demand, in any order, with the same result on every machine.
 */

const SEED = 0x4c54_2025;

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit hash of up to four integer coordinates. Trailing zero coordinates are skipped (one mixing round
 * less each), so `hash(a, b)` and `hash(a, b, 0)` are the same value: callers never rely on them differing.
 */
export function hash(a: number, b = 0, c = 0, d = 0): number {
  let h = fmix32(SEED ^ Math.imul(a | 0, 0x9e37_79b1));
  h = fmix32(h + Math.imul(b | 0, 0x85eb_ca77) + 0x27d4_eb2f);
  if (c !== 0 || d !== 0) h = fmix32(h + Math.imul(c | 0, 0xc2b2_ae3d) + 0x1656_67b1);
  if (d !== 0) h = fmix32(h + Math.imul(d | 0, 0x27d4_eb2d) + 0x7f4a_7c15);
  return h;
}

/** A uniform number in [0, 1) from the same coordinates as `hash`. */
export function unit(a: number, b = 0, c = 0, d = 0): number {
  return hash(a, b, c, d) / 4_294_967_296;
}

export function pick<T>(items: readonly T[], random: number): T {
  return items[Math.floor(random * items.length)]!;
}

/** Picks from `items` with the cumulative weights prepared by `cumulative`. */
export function pickWeighted<T>(
  items: readonly T[],
  cumulativeWeights: readonly number[],
  random: number,
): T {
  const target = random * cumulativeWeights[cumulativeWeights.length - 1]!;
  let low = 0;
  let high = cumulativeWeights.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulativeWeights[mid]! > target) high = mid;
    else low = mid + 1;
  }
  return items[low]!;
}

export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((weight) => {
    sum += weight;
    return sum;
  });
}

export interface Permutation {
  forward(value: number): number;
  inverse(value: number): number;
}

/**
 * A keyed bijection of [0, size): a 4-round balanced Feistel network on the smallest even bit width that
 * covers `size`, with cycle walking to stay inside the domain. Used to scatter serial numbers so that
 * identifiers do not reveal the order in which records are enumerated, while staying invertible.
 */
export function createPermutation(size: number, key: number): Permutation {
  let bits = Math.max(2, Math.ceil(Math.log2(size)));
  if (bits % 2 === 1) bits += 1;
  const half = bits / 2;
  const mask = (1 << half) - 1;
  const roundKeys = [0, 1, 2, 3].map((round) => hash(key, round, 0x5eed));
  const round = (value: number, round: number) => hash(value, roundKeys[round]!) & mask;
  const step = (value: number) => {
    let left = value >>> half;
    let right = value & mask;
    for (let r = 0; r < 4; r++) {
      const next = left ^ round(right, r);
      left = right;
      right = next;
    }
    return left * (mask + 1) + right;
  };
  const stepBack = (value: number) => {
    let left = Math.floor(value / (mask + 1));
    let right = value & mask;
    for (let r = 3; r >= 0; r--) {
      const previous = right ^ round(left, r);
      right = left;
      left = previous;
    }
    return left * (mask + 1) + right;
  };
  return {
    forward(value) {
      let result = step(value);
      while (result >= size) result = step(result);
      return result;
    },
    inverse(value) {
      let result = stepBack(value);
      while (result >= size) result = stepBack(result);
      return result;
    },
  };
}

/**
 * Spreads `slots` over `members` (slot → member = (slot·step + offset) mod members) so that the reverse
 * question — which slots belong to this member? — has a closed form. Used for "who is the applicant of this
 * dossier" and "which enterprises does this citizen represent", both of which must be answerable both ways.
 */
export interface SlotAssignment {
  member(slot: number): number;
  slotsOf(member: number, slotCount: number): number[];
}

export function createSlotAssignment(members: number, key: number): SlotAssignment {
  if (members <= 0) {
    return { member: () => -1, slotsOf: () => [] };
  }
  let step = 7919 + (hash(key, 0x51) % 10_007);
  while (gcd(step % members, members) !== 1) step += 1;
  step %= members;
  const offset = hash(key, 0x52) % members;
  const stepInverse = modularInverse(step, members);
  return {
    member: (slot) => ((((slot % members) * step) % members) + offset) % members,
    slotsOf(member, slotCount) {
      const first = (((member - offset + members) % members) * stepInverse) % members;
      const slots: number[] = [];
      for (let slot = first; slot < slotCount; slot += members) slots.push(slot);
      return slots;
    },
  };
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function modularInverse(value: number, modulus: number): number {
  if (modulus === 1) return 0;
  let [oldR, r] = [value, modulus];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const quotient = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return ((oldS % modulus) + modulus) % modulus;
}
