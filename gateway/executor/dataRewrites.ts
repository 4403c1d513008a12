import type { FetchDataRewrite } from "@apollo/query-planner";
import { isResultObject, ownValue, type ResultObject, type TypeMatcher } from "./resultTree.ts";

const TYPE_CONDITION_PREFIX = "... on ";

/**
 * The planner's rewrites of a fetch's inputs (representations) or outputs (`_entities` results): a ValueSetter sets a
 * field (an interface object's `__typename`), a KeyRenamer moves a value to another key. Paths are field names and
 * `... on T` conditions; objects without `__typename` pass the conditions, as the planner expects.
 */
export function applyRewrites(
  rewrites: readonly FetchDataRewrite[] | undefined,
  value: unknown,
  matches: TypeMatcher,
): void {
  if (!rewrites) return;
  for (const rewrite of rewrites) {
    const last = rewrite.path[rewrite.path.length - 1];
    if (last === undefined) continue;
    if (last.startsWith(TYPE_CONDITION_PREFIX)) {
      throw new Error(`Unexpected fragment as last element of ${rewrite.path}`);
    }
    applyAt(rewrite.path, 0, value, matches, (object) => {
      if (rewrite.kind === "ValueSetter") {
        object[last] = rewrite.setValueTo;
        return;
      }
      const moved = ownValue(object, last);
      if (moved) {
        object[rewrite.renameKeyTo] = moved;
        object[last] = undefined;
      }
    });
  }
}

function applyAt(
  path: readonly string[],
  index: number,
  value: unknown,
  matches: TypeMatcher,
  rewrite: (object: ResultObject) => void,
): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAt(path, index, element, matches, rewrite);
    return;
  }
  if (!isResultObject(value)) return;
  if (index === path.length - 1) {
    rewrite(value);
    return;
  }
  const step = path[index]!;
  if (step.startsWith(TYPE_CONDITION_PREFIX)) {
    if (matches(value, step.slice(TYPE_CONDITION_PREFIX.length)))
      applyAt(path, index + 1, value, matches, rewrite);
  } else {
    applyAt(path, index + 1, ownValue(value, step), matches, rewrite);
  }
}
