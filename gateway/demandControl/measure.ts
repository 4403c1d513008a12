import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";
import type { CostDirectives } from "./costDirectives.ts";

export interface OperationMeasure {
  /** Nested field levels. */
  depth: number;
  /** Aliased fields with fragments expanded; a list does not multiply them (its items share the one alias). */
  aliases: number;
  /** The IBM cost specification's estimate: composite fields weigh 1, leaves 0, unless `@cost` says otherwise. */
  cost: number;
}

/**
 * What a selection set costs, without knowing its parent. List fields that take their length from nothing of their own
 * (no slicing argument given) are kept apart, by name, with the length they assume alone: a parent whose `@listSize`
 * names them in `sizedFields` (a connection's `edges`) sizes them instead.
 */
interface Summary {
  depth: number;
  aliases: number;
  cost: number;
  /** `name\0assumedLength` → summed cost of one item of every such field of that name. */
  sizable: Map<string, number>;
}

const empty = (): Summary => ({ depth: 0, aliases: 0, cost: 0, sizable: new Map() });

function mergeInto(target: Summary, part: Summary): void {
  target.depth = Math.max(target.depth, part.depth);
  target.aliases += part.aliases;
  target.cost += part.cost;
  for (const [key, unit] of part.sizable) target.sizable.set(key, (target.sizable.get(key) ?? 0) + unit);
}

/** The cost of a summary's selection once its parent's sized fields (name → length) are known. */
function resolvedCost(summary: Summary, sizedFields: ReadonlyMap<string, number>): number {
  let cost = summary.cost;
  for (const [key, unit] of summary.sizable) {
    const separator = key.indexOf("\0");
    const length = sizedFields.get(key.slice(0, separator)) ?? Number(key.slice(separator + 1));
    cost += length * unit;
  }
  return cost;
}

const NO_SIZED_FIELDS: ReadonlyMap<string, number> = new Map();

/**
 * Depth, aliases and cost of one operation in one pass over its document: every fragment is summarised once (whatever
 * the number of its spreads), so the work is linear in the document's size. Variables, with their defaults, size
 * slicing arguments exactly as literals would. Introspection fields are not counted (introspection is on or off as a
 * whole).
 */
export function measureOperation(input: {
  schema: GraphQLSchema;
  directives: CostDirectives;
  selectionSet: SelectionSetNode;
  rootType: GraphQLNamedType | undefined;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  /** Coerced variable values, defaults applied. */
  variables: Readonly<Record<string, unknown>>;
  /** The length assumed for a list no `@listSize` bounds. */
  listSize: number;
}): OperationMeasure {
  const { schema, directives, fragments, variables, listSize } = input;
  const fragmentSummaries = new Map<string, Summary | "in progress">();

  function fragmentSummary(name: string): Summary {
    const known = fragmentSummaries.get(name);
    // A cycle (refused by validation anyway) contributes nothing instead of recursing forever.
    if (known === "in progress") return empty();
    if (known) return known;
    const fragment = fragments[name];
    if (!fragment) return empty();
    fragmentSummaries.set(name, "in progress");
    const summary = summarise(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    fragmentSummaries.set(name, summary);
    return summary;
  }

  /** Length of a list given by the field's slicing arguments (the largest given), or null when none is given. */
  function slicedLength(definition: GraphQLField<unknown, unknown>, node: FieldNode, slicing: string[]) {
    if (slicing.length === 0) return null;
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(definition, node, variables as Record<string, unknown>);
    } catch {
      // Invalid arguments fail execution anyway; the estimate falls back to the assumed size.
      return null;
    }
    let length: number | null = null;
    for (const name of slicing) {
      const value = values[name];
      if (typeof value === "number") length = Math.max(length ?? 0, value);
    }
    return length;
  }

  function summariseField(
    node: FieldNode,
    parentType: GraphQLNamedType | null | undefined,
    into: Summary,
  ): void {
    const name = node.name.value;
    if (name.startsWith("__")) return;
    const definition =
      parentType && (isObjectType(parentType) || isInterfaceType(parentType))
        ? parentType.getFields()[name]
        : undefined;
    if (!definition || !parentType) return;
    const returnType = getNamedType(definition.type);
    const child = node.selectionSet ? summarise(node.selectionSet, returnType) : empty();
    const isList = isListType(getNullableType(definition.type));
    const bound = directives.listSize(parentType.name, name);
    const sliced = bound ? slicedLength(definition, node, bound.slicingArguments) : null;
    const sizesChildren = bound !== null && bound.sizedFields.length > 0;

    const sizedFields = sizesChildren
      ? new Map(bound.sizedFields.map((field) => [field, sliced ?? bound.assumedSize ?? listSize]))
      : NO_SIZED_FIELDS;
    const weight =
      directives.weight(parentType.name, name, returnType.name) ?? (isCompositeType(returnType) ? 1 : 0);
    const unit = weight + resolvedCost(child, sizedFields);
    const argumentsWeight = node.arguments?.length
      ? directives.argumentsWeight(
          parentType.name,
          name,
          node.arguments.map((argument) => argument.name.value),
        )
      : 0;

    into.depth = Math.max(into.depth, 1 + child.depth);
    into.aliases += (node.alias ? 1 : 0) + child.aliases;
    into.cost += argumentsWeight;
    if (!isList) {
      into.cost += unit;
    } else if (sliced !== null && !sizesChildren) {
      into.cost += sliced * unit;
    } else {
      const assumed = bound?.assumedSize ?? listSize;
      const key = `${name}\0${assumed}`;
      into.sizable.set(key, (into.sizable.get(key) ?? 0) + unit);
    }
  }

  function summarise(
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType | null | undefined,
  ): Summary {
    const summary = empty();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        summariseField(selection, parentType, summary);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parentType;
        mergeInto(summary, summarise(selection.selectionSet, type));
      } else {
        mergeInto(summary, fragmentSummary(selection.name.value));
      }
    }
    return summary;
  }

  const root = summarise(input.selectionSet, input.rootType);
  return { depth: root.depth, aliases: root.aliases, cost: resolvedCost(root, NO_SIZED_FIELDS) };
}
