import { type ConstDirectiveNode, type DefinitionNode, type DocumentNode, Kind, parse } from "graphql";
import { type AccessDirectiveNames, type AccessPolicy, readAccessPolicy } from "../../common/accessPolicy.ts";

/** Where the supergraph says authentication or scopes are needed, read from its `@authenticated` / `@requiresScopes`. */
export type AuthorizationPolicy = AccessPolicy;

const AUTHENTICATED_SPEC = "https://specs.apollo.dev/authenticated";
const REQUIRES_SCOPES_SPEC = "https://specs.apollo.dev/requiresScopes";

/** The supergraph security features this policy enforces (spec URLs without version). */
export const ENFORCED_SECURITY_FEATURES = [AUTHENTICATED_SPEC, REQUIRES_SCOPES_SPEC];

function stringArgument(directive: ConstDirectiveNode, name: string): string | null {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg && arg.value.kind === Kind.STRING ? arg.value.value : null;
}

/**
 * Composition keeps both directives as-is and links their specs `for: SECURITY`; a supergraph may rename them
 * with `as:`, so the names come from the `@link`s, not from a guess.
 */
function linkedDirectiveNames(definitions: readonly DefinitionNode[]): AccessDirectiveNames {
  const names: AccessDirectiveNames = { authenticated: null, requiresScopes: null };
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

export function createAuthorizationPolicy(supergraph: string | DocumentNode): AuthorizationPolicy {
  const document = typeof supergraph === "string" ? parse(supergraph) : supergraph;
  return readAccessPolicy(document, linkedDirectiveNames(document.definitions));
}
