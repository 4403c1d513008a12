import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLFormattedError,
  GraphQLIncludeDirective,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getNamedType,
  getOperationAST,
  type InlineFragmentNode,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";
import { getDirectiveValues, getVariableValues } from "graphql/execution/values.js";
import { accessDenial, fieldRequirement, type Requirement, satisfies } from "../../common/accessPolicy.ts";
import type { Caller } from "../../common/caller.ts";
import type { AuthorizationPolicy } from "./authorizationPolicy.ts";

/**
 * Selected in place of, or next to, removed fields so the gateway can tell which concrete type an object has
 * (and keep a selection set non-empty). It never reaches the client.
 */
export const TYPENAME_PROBE = "_authzTypename";

/** One step of a response path; `onlyFor` limits it to objects of these concrete types (a fragment's condition). */
export interface PathStep {
  key: string;
  type: GraphQLOutputType;
  onlyFor: ReadonlySet<string> | null;
}

export interface DeniedField {
  path: string[];
  message: string;
  code: "UNAUTHORIZED" | "UNAUTHENTICATED";
}

export interface AuthorizedOperation {
  /** The document to plan and execute: the original when the caller may see everything it asks for. */
  document: DocumentNode;
  denied: DeniedField[];
  /** Response positions to set to null after execution (removed fields, and parents left with nothing to show). */
  nullAt: PathStep[][];
  /** Response positions whose objects carry the TYPENAME_PROBE, to be stripped. */
  probes: string[][];
}

export interface AuthorizeInput {
  schema: GraphQLSchema;
  policy: AuthorizationPolicy;
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | undefined;
  caller: Caller;
}

/** A walk bigger than this (fragment spreads multiply) is refused rather than expanded. */
const MAX_VISITED_SELECTIONS = 20_000;

function possibleTypeNames(schema: GraphQLSchema, type: GraphQLNamedType): Set<string> {
  if (isAbstractType(type)) return new Set(schema.getPossibleTypes(type).map((t) => t.name));
  return new Set([type.name]);
}

interface Walk {
  schema: GraphQLSchema;
  policy: AuthorizationPolicy;
  caller: Caller;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  denied: Map<string, DeniedField>;
  nullAt: PathStep[][];
  probes: string[][];
  visited: number;
  requirementMemo: Map<string, Requirement>;
}

/** fieldRequirement, once per field of the operation. */
function requirementFor(
  walk: Walk,
  parent: GraphQLCompositeType,
  fieldName: string,
  returns: GraphQLNamedType,
) {
  const memoKey = `${parent.name}.${fieldName}`;
  const cached = walk.requirementMemo.get(memoKey);
  if (cached) return cached;
  const requirement = fieldRequirement(walk.policy, walk.schema, parent, fieldName, returns);
  walk.requirementMemo.set(memoKey, requirement);
  return requirement;
}

function isIncluded(walk: Walk, node: SelectionNode): boolean {
  try {
    const skip = getDirectiveValues(GraphQLSkipDirective, node, walk.variables);
    if (skip?.if === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, node, walk.variables);
    return include?.if !== false;
  } catch {
    // Unusable variables: execution will refuse them; meanwhile the selection is authorized like any other.
    return true;
  }
}

/** Variables with the operation's defaults applied, as execution will see them. */
function coercedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Record<string, unknown>,
) {
  const { coerced } = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
  return coerced ?? inputs;
}

const probeField: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_PROBE },
  name: { kind: Kind.NAME, value: "__typename" },
};

interface Scope {
  /** Response path of the field that owns this selection set. */
  path: PathStep[];
  /** Concrete types the enclosing field can return. */
  enclosing: ReadonlySet<string>;
  /** Narrowed by fragments; null while it is still every type the enclosing field can return. */
  onlyFor: ReadonlySet<string> | null;
}

interface VisitResult {
  selections: SelectionNode[];
  removed: number;
  /** A removal inside a narrowing fragment: objects here need the typename probe. */
  needsProbe: boolean;
}

function narrow(scope: Scope, types: Set<string>): ReadonlySet<string> | null {
  const current = scope.onlyFor ?? scope.enclosing;
  const narrowed = new Set([...current].filter((t) => types.has(t)));
  return narrowed.size === scope.enclosing.size ? null : narrowed;
}

function visitSelections(
  walk: Walk,
  selections: readonly SelectionNode[],
  parent: GraphQLCompositeType,
  scope: Scope,
): VisitResult {
  const result: VisitResult = { selections: [], removed: 0, needsProbe: false };
  for (const selection of selections) {
    walk.visited += 1;
    if (walk.visited > MAX_VISITED_SELECTIONS) {
      throw new GraphQLError("Operation too large to authorize: simplify its fragments", {
        extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } },
      });
    }
    // Excluded selections cannot leak anything; dropping them keeps the rewritten document self-contained.
    if (!isIncluded(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      visitField(walk, selection, parent, scope, result);
      continue;
    }
    const fragment: InlineFragmentNode | FragmentDefinitionNode | undefined =
      selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments.get(selection.name.value);
    if (!fragment) continue;
    const conditionType = fragment.typeCondition
      ? walk.schema.getType(fragment.typeCondition.name.value)
      : parent;
    if (!conditionType || !isCompositeType(conditionType)) continue;
    const inner = visitSelections(walk, fragment.selectionSet.selections, conditionType, {
      ...scope,
      onlyFor: narrow(scope, possibleTypeNames(walk.schema, conditionType)),
    });
    result.removed += inner.removed;
    result.needsProbe ||= inner.needsProbe;
    if (inner.selections.length === 0) continue;
    // Named fragments are inlined: the same fragment can be allowed at one place and trimmed at another.
    result.selections.push({
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: fragment.typeCondition,
      directives: selection.kind === Kind.INLINE_FRAGMENT ? selection.directives : [],
      selectionSet: { kind: Kind.SELECTION_SET, selections: inner.selections },
    });
  }
  return result;
}

function visitField(
  walk: Walk,
  node: FieldNode,
  parent: GraphQLCompositeType,
  scope: Scope,
  result: VisitResult,
) {
  const name = node.name.value;
  if (name.startsWith("__") || !(isObjectType(parent) || isInterfaceType(parent))) {
    result.selections.push(node);
    return;
  }
  const definition = parent.getFields()[name];
  if (!definition) {
    result.selections.push(node);
    return;
  }
  const returns = getNamedType(definition.type);
  const key = node.alias?.value ?? name;
  const step: PathStep = { key, type: definition.type, onlyFor: scope.onlyFor };
  const path = [...scope.path, step];
  const requirement = requirementFor(walk, parent, name, returns);
  if (!satisfies(walk.caller, requirement)) {
    const keys = path.map((s) => s.key);
    const id = keys.join(".");
    if (!walk.denied.has(id)) {
      walk.denied.set(id, {
        path: keys,
        ...accessDenial(walk.caller, `${parent.name}.${name}`, requirement),
      });
    }
    walk.nullAt.push(path);
    result.removed += 1;
    result.needsProbe ||= scope.onlyFor !== null;
    return;
  }
  if (!node.selectionSet || !isCompositeType(returns)) {
    result.selections.push(node);
    return;
  }
  const inner = visitSelections(walk, node.selectionSet.selections, returns, {
    path,
    enclosing: possibleTypeNames(walk.schema, returns),
    onlyFor: null,
  });
  result.removed += inner.removed;
  let selections = inner.selections;
  const emptied = selections.length === 0;
  if (emptied && inner.removed > 0) {
    // Nothing the caller asked for here may be shown: the object itself comes back null.
    walk.nullAt.push(path);
    result.needsProbe ||= scope.onlyFor !== null;
  }
  if (emptied || inner.needsProbe) {
    selections = [probeField, ...selections];
    walk.probes.push(path.map((s) => s.key));
  }
  const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections };
  result.selections.push({ ...node, selectionSet });
}

/**
 * Removes from the operation every field the caller may not see (through fragments, aliases, unions and
 * interfaces alike), before the gateway plans it. `applyAuthorization` later puts nulls and errors in their place.
 */
export function authorizeOperation(input: AuthorizeInput): AuthorizedOperation {
  const unchanged: AuthorizedOperation = { document: input.document, denied: [], nullAt: [], probes: [] };
  if (input.policy.empty) return unchanged;
  const operation = getOperationAST(input.document, input.operationName);
  if (!operation) return unchanged;
  const rootType = input.schema.getRootType(operation.operation);
  if (!rootType) return unchanged;
  const walk: Walk = {
    schema: input.schema,
    policy: input.policy,
    caller: input.caller,
    variables: coercedVariables(input.schema, operation, input.variables ?? {}),
    fragments: new Map(
      input.document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    ),
    denied: new Map(),
    nullAt: [],
    probes: [],
    visited: 0,
    requirementMemo: new Map(),
  };
  const visited = visitSelections(walk, operation.selectionSet.selections, rootType, {
    path: [],
    enclosing: new Set([rootType.name]),
    onlyFor: null,
  });
  if (visited.removed === 0) return unchanged;
  const selections = visited.selections.length > 0 ? visited.selections : [probeField];
  if (visited.selections.length === 0) walk.probes.push([]);
  const rewritten: OperationDefinitionNode = {
    ...operation,
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  return {
    document: { kind: Kind.DOCUMENT, definitions: [rewritten] },
    denied: [...walk.denied.values()],
    nullAt: walk.nullAt,
    probes: walk.probes,
  };
}

type ResponseObject = Record<string, unknown>;

/** Sets null at the path from `index` on; true when `container` itself must become null (a non-null field was). */
function nullInObject(container: ResponseObject, target: PathStep[], index: number): boolean {
  const step = target[index]!;
  if (step.onlyFor && !step.onlyFor.has(container[TYPENAME_PROBE] as string)) return false;
  if (index === target.length - 1) {
    container[step.key] = null;
    return isNonNullType(step.type);
  }
  const value = container[step.key];
  if (value === null || value === undefined) return false;
  if (nullInValue(value, step.type, target, index + 1)) {
    container[step.key] = null;
    return isNonNullType(step.type);
  }
  return false;
}

function nullInValue(value: unknown, type: GraphQLOutputType, target: PathStep[], index: number): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i += 1) {
      const item = value[i];
      if (item === null || item === undefined) continue;
      if (nullInValue(item, inner.ofType, target, index)) {
        value[i] = null;
        if (isNonNullType(inner.ofType)) return true;
      }
    }
    return false;
  }
  if (typeof value !== "object" || value === null || !isObjectLike(inner)) return false;
  return nullInObject(value as ResponseObject, target, index);
}

function isObjectLike(type: GraphQLOutputType): boolean {
  return isObjectType(type) || isAbstractType(type);
}

function forEachObjectAt(value: unknown, keys: string[], index: number, visit: (o: ResponseObject) => void) {
  if (Array.isArray(value)) {
    for (const item of value) forEachObjectAt(item, keys, index, visit);
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (index === keys.length) {
    visit(value as ResponseObject);
    return;
  }
  forEachObjectAt((value as ResponseObject)[keys[index]!], keys, index + 1, visit);
}

export interface ExecutionResultLike {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<GraphQLFormattedError>;
}

/** Puts the removed fields back as nulls (bubbling through non-null types as GraphQL does) with one error each. */
export function applyAuthorization<T extends ExecutionResultLike>(
  result: T,
  authorized: AuthorizedOperation,
): T {
  if (authorized.denied.length === 0 && authorized.nullAt.length === 0) return result;
  let data = result.data;
  if (data) {
    for (const target of authorized.nullAt) {
      if (nullInObject(data, target, 0)) {
        data = null;
        break;
      }
    }
  }
  if (data) {
    for (const keys of authorized.probes) forEachObjectAt(data, keys, 0, (o) => delete o[TYPENAME_PROBE]);
  }
  // A result shared by inbound dedup was already completed by its leader: never report a path twice.
  const reported = new Set((result.errors ?? []).map((e) => `${e.message}@${e.path?.join(".")}`));
  const errors: GraphQLFormattedError[] = authorized.denied
    .filter((denied) => !reported.has(`${denied.message}@${denied.path.join(".")}`))
    .map((denied) => ({ message: denied.message, path: denied.path, extensions: { code: denied.code } }));
  return { ...result, data, errors: [...errors, ...(result.errors ?? [])] };
}
