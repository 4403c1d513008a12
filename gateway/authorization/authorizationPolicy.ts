import {
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  Kind,
  parse,
  valueFromASTUntyped,
} from "graphql";
import { combineRequirements, NO_REQUIREMENT, type Requirement } from "./scopes.ts";

/** Where the supergraph says authentication or scopes are needed, read from its `@authenticated` / `@requiresScopes`. */
export interface AuthorizationPolicy {
  field(typeName: string, fieldName: string): Requirement;
  type(typeName: string): Requirement;
  /** True when the supergraph protects nothing at all (lets the gateway skip the walk). */
  readonly empty: boolean;
}

const AUTHENTICATED_SPEC = "https://specs.apollo.dev/authenticated";
const REQUIRES_SCOPES_SPEC = "https://specs.apollo.dev/requiresScopes";

/** The supergraph security features this policy enforces (spec URLs without version). */
export const ENFORCED_SECURITY_FEATURES = [AUTHENTICATED_SPEC, REQUIRES_SCOPES_SPEC];

interface DirectiveNames {
  authenticated: string | null;
  requiresScopes: string | null;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | null {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg && arg.value.kind === Kind.STRING ? arg.value.value : null;
}

/**
 * Composition keeps both directives as-is and links their specs `for: SECURITY`; a supergraph may rename them
 * with `as:`, so the names come from the `@link`s, not from a guess.
 */
function linkedDirectiveNames(definitions: readonly DefinitionNode[]): DirectiveNames {
  const names: DirectiveNames = { authenticated: null, requiresScopes: null };
  for (const definition of definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== "link") continue;
      const url = stringArgument(directive, "url") ?? "";
      const alias = stringArgument(directive, "as");
      if (url.startsWith(`${AUTHENTICATED_SPEC}/`)) names.authenticated = alias ?? "authenticated";
      if (url.startsWith(`${REQUIRES_SCOPES_SPEC}/`)) names.requiresScopes = alias ?? "requiresScopes";
    }
  }
  return names;
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
  names: DirectiveNames,
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

export function createAuthorizationPolicy(supergraph: string | DocumentNode): AuthorizationPolicy {
  const document = typeof supergraph === "string" ? parse(supergraph) : supergraph;
  const names = linkedDirectiveNames(document.definitions);
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
