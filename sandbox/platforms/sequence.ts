import { runOf } from "../generate/runs.ts";

/** Positions 0…total−1 over the concatenated records of several units (communes, or dossier units). */
export interface UnitSequence {
  total: number;
  /** The unit and the position inside it of a sequence position. */
  locate(position: number): { unit: number; offset: number };
}

export function createUnitSequence(units: readonly number[], sizeOf: (unit: number) => number): UnitSequence {
  const prefix = [0];
  for (const unit of units) prefix.push(prefix[prefix.length - 1]! + sizeOf(unit));
  return {
    total: prefix[prefix.length - 1]!,
    locate(position) {
      const k = runOf(prefix, units.length, position);
      return { unit: units[k]!, offset: position - prefix[k]! };
    },
  };
}
