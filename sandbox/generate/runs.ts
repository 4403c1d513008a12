/**
 * Records are laid out in runs (a commune's citizens, an age's birth slots, a day's dossiers), and a table of
 * ascending run starts maps a position to its run: the last run whose start is at or before it.
 * `starts[base + k]` is the start of run k, for k in [0, runs).
 */
export function runOf(starts: ArrayLike<number>, runs: number, position: number, base = 0): number {
  let low = 0;
  let high = runs - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[base + mid]! <= position) low = mid;
    else high = mid - 1;
  }
  return low;
}
