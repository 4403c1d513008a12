import {
  type CompositeType,
  isCompositeType,
  isListType,
  isNonNullType,
  type OutputType,
  type SelectionSet,
  typenameFieldName,
} from "@apollo/federation-internals";
import type { VariableDefinitionNode } from "graphql";
import { type IntrospectionResolver, introspectionResolver } from "./introspection.ts";
import { type LeafCheck, leafCheck } from "./leafValues.ts";
import type { SchemaFacts } from "./schemaFacts.ts";
import { type SkipCondition, skipCondition } from "./skipConditions.ts";

/**
 * One operation's selections, resolved against the API schema once: what Apollo's `computeResponse` looks up per
 * object and per request (directives, type conditions, field types, leaf rules) is precomputed here, in the same
 * order Apollo walks the selections, so the backends that run it reproduce Apollo's output and errors exactly.
 */
export type SelectionPlan = FieldPlan | TypenamePlan | IntrospectionPlan | FragmentPlan;

interface KeyedPlan {
  /** The response name (alias or field name). */
  readonly key: string;
  /** Whether reading `key` from an input object must ignore inherited properties (`constructor`, `toString`…). */
  readonly keyIsInherited: boolean;
  readonly skip: SkipCondition;
}

export interface FieldPlan extends KeyedPlan {
  readonly kind: "field";
  readonly value: ValuePlan;
}

export interface TypenamePlan extends KeyedPlan {
  readonly kind: "typename";
}

export interface IntrospectionPlan extends KeyedPlan {
  readonly kind: "introspection";
  readonly resolve: IntrospectionResolver;
}

export interface FragmentPlan {
  readonly kind: "fragment";
  readonly skip: SkipCondition;
  /** The type names the fragment's type condition applies to; null for a fragment without one. */
  readonly appliesTo: ReadonlySet<string> | null;
  /** The type errors inside the fragment name as their parent (Apollo's `fragment.typeCondition ?? parentType`). */
  readonly typeCondition: string | null;
  readonly selections: readonly SelectionPlan[];
}

/** A field's type, outermost wrapper first; `description` is how Apollo prints the type in error messages. */
export type ValuePlan =
  | { readonly kind: "nonNull"; readonly ofType: ValuePlan; readonly innerDescription: string }
  | { readonly kind: "list"; readonly ofType: ValuePlan; readonly description: string }
  | {
      readonly kind: "composite";
      readonly typeName: string;
      readonly description: string;
      readonly selections: readonly SelectionPlan[];
    }
  | { readonly kind: "leaf"; readonly check: LeafCheck; readonly description: string };

export function planSelectionSet(
  selectionSet: SelectionSet,
  facts: SchemaFacts,
  variableDefinitions: readonly VariableDefinitionNode[] | undefined,
): readonly SelectionPlan[] {
  // Named fragments share one SelectionSet object wherever they are spread; planning each once keeps the plan
  // (and the functions compiled from it) proportional to the document rather than to its expansion.
  const planned = new Map<SelectionSet, readonly SelectionPlan[]>();

  function planSet(set: SelectionSet): readonly SelectionPlan[] {
    let plans = planned.get(set);
    if (!plans) {
      plans = set.selections().map(planSelection);
      planned.set(set, plans);
    }
    return plans;
  }

  function planSelection(selection: ReturnType<SelectionSet["selections"]>[number]): SelectionPlan {
    const skip = skipCondition(selection.element, facts.schema);
    if (selection.kind === "FieldSelection") {
      const field = selection.element;
      const key = field.responseName();
      const keyIsInherited = key in Object.prototype;
      if (field.definition.isSchemaIntrospectionField()) {
        const resolve = introspectionResolver(facts.graphqlSchema, selection, variableDefinitions);
        return { kind: "introspection", key, keyIsInherited, skip, resolve };
      }
      if (field.name === typenameFieldName) return { kind: "typename", key, keyIsInherited, skip };
      const type = field.definition.type;
      if (!type) throw new Error(`Field ${field.definition.coordinate} has no type`);
      return { kind: "field", key, keyIsInherited, skip, value: planValue(type, selection.selectionSet) };
    }
    const condition: CompositeType | undefined = selection.element.typeCondition;
    return {
      kind: "fragment",
      skip,
      appliesTo: condition ? facts.typesMatching(condition) : null,
      typeCondition: condition ? condition.name : null,
      selections: planSet(selection.selectionSet),
    };
  }

  function planValue(type: OutputType, selectionSet: SelectionSet | undefined): ValuePlan {
    if (isNonNullType(type)) {
      return {
        kind: "nonNull",
        ofType: planValue(type.ofType, selectionSet),
        innerDescription: String(type.ofType),
      };
    }
    if (isListType(type)) {
      return { kind: "list", ofType: planValue(type.ofType, selectionSet), description: String(type) };
    }
    if (isCompositeType(type)) {
      if (!selectionSet) throw new Error(`Invalid empty selection set for composite type ${type}`);
      return {
        kind: "composite",
        typeName: type.name,
        description: String(type),
        selections: planSet(selectionSet),
      };
    }
    return { kind: "leaf", check: leafCheck(type, facts.enumValues), description: String(type) };
  }

  return planSet(selectionSet);
}
