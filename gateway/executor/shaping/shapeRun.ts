import type { GraphQLError } from "graphql";
import type { ResponsePath } from "./shapeErrors.ts";
import type { VariableValues } from "./skipConditions.ts";

/** The state of shaping one response; the only thing allocated per request besides the answer itself. */
export interface ShapeRun {
  readonly variables: VariableValues;
  readonly errors: GraphQLError[];
  readonly path: ResponsePath;
  /**
   * What the last completed value reported, as bits, so completion returns the value alone: INVALID, a null where
   * the type is non-null (bubbles up); HAS_ERRORS, an error was already recorded for it (no second error).
   */
  flags: number;
}

export const INVALID = 1;
export const HAS_ERRORS = 2;

export function startRun(
  provided: Record<string, unknown> | undefined,
  defaults: Record<string, unknown>,
): ShapeRun {
  return { variables: { provided, defaults }, errors: [], path: [], flags: 0 };
}

/** Reads a response name the way Apollo's `getOwn` does, when the name is also an Object.prototype property. */
export function readOwn(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Writes a response name as an own enumerable property; `defines` for `__proto__`, which assignment cannot write. */
export function writeKey(
  object: Record<string, unknown>,
  key: string,
  value: unknown,
  defines: boolean,
): void {
  if (defines)
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
