import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
} from "graphql";
import type { Caller } from "./caller.ts";

/**
 * What a field or type demands of a caller, as composed from `@authenticated` and `@requiresScopes`.
 * `scopeSets` is a conjunction of `@requiresScopes` arguments, each in disjunctive normal form:
 * `[[a, b], [c]]` means (a AND b) OR c; several such arguments (field and type) must all hold.
 */
export interface Requirement {
  authenticated: boolean;
  scopeSets: string[][][];
}

export const NO_REQUIREMENT: Requirement = Object.freeze({
  authenticated: false,
  scopeSets: [],
}) as Requirement;

export function isUnrestricted(requirement: Requirement): boolean {
  return !requirement.authenticated && requirement.scopeSets.length === 0;
}

export function combineRequirements(...requirements: Requirement[]): Requirement {
  const restricting = requirements.filter((r) => !isUnrestricted(r));
  if (restricting.length === 0) return NO_REQUIREMENT;
  if (restricting.length === 1) return restricting[0]!;
  return {
    authenticated: restricting.some((r) => r.authenticated),
    scopeSets: restricting.flatMap((r) => r.scopeSets),
  };
}

export function isAuthenticated(caller: Caller): boolean {
  return caller.sub !== null;
}

/** Any of the alternatives is enough; within one alternative every scope is needed. */
export function satisfiesScopes(granted: ReadonlySet<string>, alternatives: string[][]): boolean {
  return alternatives.some((all) => all.every((scope) => granted.has(scope)));
}

export function satisfies(caller: Caller, requirement: Requirement): boolean {
  if (isUnrestricted(requirement)) return true;
  // Scopes come from a verified token only, so a scope requirement implies authentication as well.
  if (!isAuthenticated(caller)) return false;
  const granted = new Set(caller.scopes);
  return requirement.scopeSets.every((alternatives) => satisfiesScopes(granted, alternatives));
}

function describe(requirement: Requirement): string {
  if (requirement.scopeSets.length === 0) return "authentication";
  const clauses = requirement.scopeSets.map((alternatives) =>
    alternatives.map((all) => all.join(" and ")).join(" or "),
  );
  return `scope ${clauses.map((c) => (clauses.length > 1 ? `(${c})` : c)).join(" and ")}`;
}

export interface AccessDenial {
  message: string;
  code: "UNAUTHORIZED" | "UNAUTHENTICATED";
}

/** How a field the caller may not see is answered, the same at the gateway and in every subgraph. */
export function accessDenial(caller: Caller, coordinate: string, requirement: Requirement): AccessDenial {
  return {
    message: `Unauthorized: ${coordinate} requires ${describe(requirement)}`,
    code: isAuthenticated(caller) ? "UNAUTHORIZED" : "UNAUTHENTICATED",
  };
}

/** Where a schema says authentication or scopes are needed, read from its `@authenticated` / `@requiresScopes`. */
export interface AccessPolicy {
  field(typeName: string, fieldName: string): Requirement;
  type(typeName: string): Requirement;
  /** True when the schema protects nothing at all (lets the caller of the policy skip its walk). */
  readonly empty: boolean;
}

/** The names the two directives go by in one document (a supergraph and a subgraph import them differently). */
export interface AccessDirectiveNames {
  authenticated: string | null;
  requiresScopes: string | null;
}

function scopesArgument(directive: ConstDirectiveNode): string[][] {
  const arg = directive.arguments?.find((a) => a.name.value === "scopes");
  const value = arg ? valueFromASTUntyped(arg.value) : null;
  if (
    !Array.isArray(value) ||
    !value.every((all) => Array.isArray(all) && all.every((s) => typeof s === "string"))
  ) {
    throw new Error(`@${directive.name.value} needs scopes: [[String!]!]!`);
  }
  return value as string[][];
}

function requirementOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  names: AccessDirectiveNames,
): Requirement {
  const parts: Requirement[] = [];
  for (const directive of directives ?? []) {
    if (directive.name.value === names.authenticated) parts.push({ authenticated: true, scopeSets: [] });
    if (directive.name.value === names.requiresScopes) {
      parts.push({ authenticated: true, scopeSets: [scopesArgument(directive)] });
    }
  }
  return combineRequirements(...parts);
}

export function readAccessPolicy(document: DocumentNode, names: AccessDirectiveNames): AccessPolicy {
  const types = new Map<string, Requirement>();
  const fields = new Map<string, Requirement>();
  const add = (map: Map<string, Requirement>, key: string, requirement: Requirement) =>
    map.set(key, combineRequirements(map.get(key) ?? NO_REQUIREMENT, requirement));

  if (names.authenticated || names.requiresScopes) {
    for (const definition of document.definitions) {
      switch (definition.kind) {
        case Kind.OBJECT_TYPE_DEFINITION:
        case Kind.OBJECT_TYPE_EXTENSION:
        case Kind.INTERFACE_TYPE_DEFINITION:
        case Kind.INTERFACE_TYPE_EXTENSION:
          for (const field of definition.fields ?? []) {
            add(
              fields,
              `${definition.name.value}.${field.name.value}`,
              requirementOf(field.directives, names),
            );
          }
          add(types, definition.name.value, requirementOf(definition.directives, names));
          break;
        case Kind.SCALAR_TYPE_DEFINITION:
        case Kind.SCALAR_TYPE_EXTENSION:
        case Kind.ENUM_TYPE_DEFINITION:
        case Kind.ENUM_TYPE_EXTENSION:
          add(types, definition.name.value, requirementOf(definition.directives, names));
          break;
        default:
          break;
      }
    }
  }
  const restricted = (map: Map<string, Requirement>) =>
    new Map([...map].filter(([, r]) => r.authenticated || r.scopeSets.length > 0));
  const typeRequirements = restricted(types);
  const fieldRequirements = restricted(fields);
  return {
    field: (typeName, fieldName) => fieldRequirements.get(`${typeName}.${fieldName}`) ?? NO_REQUIREMENT,
    type: (typeName) => typeRequirements.get(typeName) ?? NO_REQUIREMENT,
    empty: typeRequirements.size === 0 && fieldRequirements.size === 0,
  };
}

/** Field, owner type, returned type and, on an interface, every implementation's field: all must be satisfied. */
export function fieldRequirement(
  policy: AccessPolicy,
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  fieldName: string,
  returns: GraphQLNamedType,
): Requirement {
  const parts = [policy.field(parent.name, fieldName), policy.type(parent.name), policy.type(returns.name)];
  if (isInterfaceType(parent)) {
    for (const implementation of schema.getPossibleTypes(parent)) {
      parts.push(policy.field(implementation.name, fieldName), policy.type(implementation.name));
    }
  }
  return combineRequirements(...parts);
}
