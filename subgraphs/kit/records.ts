/**
 * A record another record points at (a commune's province, a dossier's procedure). Its absence is an inconsistency
 * of the platform, not the client's doing: an internal error (logged, masked) rather than a silent null.
 */
export function referencedRecord<T>(record: T | null, description: string): T {
  if (record === null) throw new Error(`${description} is missing from the platform`);
  return record;
}

export function isPresent<T>(value: T | null): value is T {
  return value !== null;
}
