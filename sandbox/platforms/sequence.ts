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
      let low = 0;
      let high = units.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (prefix[mid]! <= position) low = mid;
        else high = mid - 1;
      }
      return { unit: units[low]!, offset: position - prefix[low]! };
    },
  };
}
