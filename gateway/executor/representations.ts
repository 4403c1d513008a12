import type { QueryPlanSelectionNode } from "@apollo/query-planner";
import { isResultObject, ownValue, type ResultObject, type TypeMatcher } from "./resultTree.ts";

/** The representation of one entity of the answer for a fetch's `requires`; null when the entity has none. */
export type RepresentationBuilder = (entity: ResultObject, matches: TypeMatcher) => ResultObject | null;

/** A selection set compiled once per plan: entities are many, a plan's `requires` are few. */
interface CompiledSet {
  /** The response names of the set's own fields, which the source must all have. */
  required: readonly string[];
  writers: readonly Writer[];
}

type Writer = (source: ResultObject, out: ResultObject, matches: TypeMatcher) => void;

// Keyed by the plan's own selection arrays, so compiled sets live exactly as long as the plans they serve.
const builders = new WeakMap<readonly QueryPlanSelectionNode[], RepresentationBuilder>();

/**
 * Builds representations for a fetch's `requires`, each in one pass: null when the entity lacks a required field (a
 * non-null input failed upstream; that failure already has its error) or matches none of the requires' type
 * conditions. Fields keep the selection's order, which is the order the subgraph receives.
 */
export function representationBuilder(requires: readonly QueryPlanSelectionNode[]): RepresentationBuilder {
  let builder = builders.get(requires);
  if (!builder) {
    const set = compileSet(requires);
    builder = (entity, matches) => {
      const representation = select(entity, set, matches);
      return representation && typeof representation.__typename === "string" ? representation : null;
    };
    builders.set(requires, builder);
  }
  return builder;
}

function compileSet(selections: readonly QueryPlanSelectionNode[]): CompiledSet {
  const required: string[] = [];
  const writers: Writer[] = [];
  for (const selection of selections) {
    if (selection.kind === "InlineFragment") {
      // A fragment without a type condition selects nothing, as in @apollo/gateway.
      if (selection.typeCondition)
        writers.push(fragmentWriter(selection.typeCondition, selection.selections));
      continue;
    }
    const name = selection.alias ?? selection.name;
    required.push(name);
    writers.push(
      selection.selections ? objectFieldWriter(name, compileSet(selection.selections)) : leafWriter(name),
    );
  }
  return { required, writers };
}

function fragmentWriter(condition: string, selections: readonly QueryPlanSelectionNode[]): Writer {
  const set = compileSet(selections);
  return (source, out, matches) => {
    if (matches(source, condition) && hasEveryField(source, set)) writeSet(source, set, out, matches);
  };
}

function leafWriter(name: string): Writer {
  return (source, out) => {
    out[name] = source[name];
  };
}

function objectFieldWriter(name: string, set: CompiledSet): Writer {
  return (source, out, matches) => {
    const value = source[name];
    const existing = out[name];
    if (isResultObject(existing) && isResultObject(value)) {
      // The same object field selected again under another condition: its fields join the ones already there.
      if (hasEveryField(value, set)) writeSet(value, set, existing, matches);
    } else {
      out[name] = selectValue(value, set, matches);
    }
  };
}

/** A selection set whose own fields are not all in the source contributes nothing (as @apollo/gateway decides). */
function hasEveryField(source: ResultObject, set: CompiledSet): boolean {
  const { required } = set;
  for (let i = 0; i < required.length; i++) {
    if (ownValue(source, required[i]!) === undefined) return false;
  }
  return true;
}

function writeSet(source: ResultObject, set: CompiledSet, out: ResultObject, matches: TypeMatcher): void {
  const { writers } = set;
  for (let i = 0; i < writers.length; i++) writers[i]!(source, out, matches);
}

function select(source: ResultObject, set: CompiledSet, matches: TypeMatcher): ResultObject | null {
  if (!hasEveryField(source, set)) return null;
  const out: ResultObject = {};
  writeSet(source, set, out, matches);
  return out;
}

function selectValue(value: unknown, set: CompiledSet, matches: TypeMatcher): unknown {
  if (Array.isArray(value)) return value.map((element) => selectValue(element, set, matches));
  return isResultObject(value) ? select(value, set, matches) : null;
}
