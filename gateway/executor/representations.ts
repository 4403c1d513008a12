import type { QueryPlanSelectionNode } from "@apollo/query-planner";
import { isResultObject, ownValue, type ResultObject, type TypeMatcher } from "./resultTree.ts";

/**
 * The representation of one entity of the answer for a fetch's `requires`, built in one pass: null when the entity
 * lacks a required field (a non-null input failed upstream; that failure already has its error) or matches none of
 * the requires' type conditions. Fields keep the selection's order, which is the order the subgraph receives.
 */
export function buildRepresentation(
  entity: ResultObject,
  requires: readonly QueryPlanSelectionNode[],
  matches: TypeMatcher,
): ResultObject | null {
  const representation = select(entity, requires, matches);
  return representation && typeof representation.__typename === "string" ? representation : null;
}

function select(
  source: ResultObject,
  selections: readonly QueryPlanSelectionNode[],
  matches: TypeMatcher,
): ResultObject | null {
  if (!hasEveryField(source, selections)) return null;
  const out: ResultObject = {};
  writeSelections(source, selections, out, matches);
  return out;
}

/** A selection set whose own fields are not all in the source contributes nothing (as @apollo/gateway decides). */
function hasEveryField(source: ResultObject, selections: readonly QueryPlanSelectionNode[]): boolean {
  for (const selection of selections) {
    if (selection.kind === "Field" && ownValue(source, selection.alias ?? selection.name) === undefined)
      return false;
  }
  return true;
}

function writeSelections(
  source: ResultObject,
  selections: readonly QueryPlanSelectionNode[],
  out: ResultObject,
  matches: TypeMatcher,
): void {
  for (const selection of selections) {
    if (selection.kind === "InlineFragment") {
      const condition = selection.typeCondition;
      if (condition && matches(source, condition) && hasEveryField(source, selection.selections)) {
        writeSelections(source, selection.selections, out, matches);
      }
      continue;
    }
    const name = selection.alias ?? selection.name;
    const value = source[name];
    const sub = selection.selections;
    const existing = out[name];
    if (sub && isResultObject(existing) && isResultObject(value)) {
      // The same object field selected again under another condition: its fields join the ones already there.
      if (hasEveryField(value, sub)) writeSelections(value, sub, existing, matches);
    } else {
      out[name] = sub ? selectValue(value, sub, matches) : value;
    }
  }
}

function selectValue(
  value: unknown,
  selections: readonly QueryPlanSelectionNode[],
  matches: TypeMatcher,
): unknown {
  if (Array.isArray(value)) return value.map((element) => selectValue(element, selections, matches));
  return isResultObject(value) ? select(value, selections, matches) : null;
}
