import { isCommuneCode, isEnterpriseCode, isPersonalId, isProvinceCode } from "../../common/identifiers.ts";
import type { SubgraphContext } from "./context.ts";
import type { LoaderSpec } from "./loaders.ts";

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

/**
 * The `__resolveReference` of an entity a subgraph owns: its record by the key `field`, through the loader. A key the
 * platform's rule refuses (common/identifiers.ts) resolves to null without a platform call: references come from
 * other subgraphs' records, so a malformed one is nobody's question and must not fail the batch it would join.
 */
export function referenceBy<T, Field extends string>(
  spec: LoaderSpec<T>,
  isKey: (key: string) => boolean,
  field: Field,
): (reference: Record<Field, string>, ctx: SubgraphContext) => Promise<T | null> | null {
  return (reference, ctx) => (isKey(reference[field]) ? ctx.loaders.load(spec, reference[field]) : null);
}

/**
 * The `__resolveReference` of an entity another subgraph owns and this one only contributes fields to: the reference
 * itself when its key passes the platform's rule, else null (for the same reason as `referenceBy`).
 */
function stubBy<Field extends string>(isKey: (key: string) => boolean, field: Field) {
  return <R extends Record<Field, string>>(reference: R): R | null =>
    isKey(reference[field]) ? reference : null;
}

/** Stub references of the entities contributed to across subgraphs, by their `@key` and its identifier rule. */
export const stubReference = {
  province: stubBy(isProvinceCode, "code"),
  commune: stubBy(isCommuneCode, "code"),
  citizen: stubBy(isPersonalId, "id"),
  enterprise: stubBy(isEnterpriseCode, "code"),
};

/** The record another record points at, through the loader: internal error when the platform lacks it (`referencedRecord`). */
export async function loadReferenced<T>(
  ctx: SubgraphContext,
  spec: LoaderSpec<T>,
  key: string,
  description: string,
): Promise<T> {
  return referencedRecord(await ctx.loaders.load(spec, key), description);
}
