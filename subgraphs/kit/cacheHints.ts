import type { CacheHint } from "@apollo/cache-control-types";
import {
  type ConstDirectiveNode,
  type GraphQLCompositeType,
  type GraphQLField,
  getNamedType,
  isCompositeType,
  Kind,
} from "graphql";

/** A `@cacheControl` directive of the SDL: a hint, or `inheritMaxAge` (the parent field's maxAge applies). */
export interface CacheAnnotation extends CacheHint {
  inheritMaxAge?: true;
}

// The readings below are Apollo Server's (plugin/cacheControl), so that the Cache-Control we send is the one its
// cache-control plugin sent when it ran on every field.

function annotationOf(directives: readonly ConstDirectiveNode[] | undefined): CacheAnnotation | undefined {
  const directive = directives?.find((each) => each.name.value === "cacheControl");
  if (!directive?.arguments) return undefined;
  const argument = (name: string) => directive.arguments?.find((each) => each.name.value === name)?.value;
  const scopeValue = argument("scope");
  const scopeName = scopeValue?.kind === Kind.ENUM ? scopeValue.value : undefined;
  const scope = scopeName === "PUBLIC" || scopeName === "PRIVATE" ? scopeName : undefined;
  const inherit = argument("inheritMaxAge");
  if (inherit?.kind === Kind.BOOLEAN && inherit.value) return { inheritMaxAge: true, scope };
  const maxAge = argument("maxAge");
  return { maxAge: maxAge?.kind === Kind.INT ? Number.parseInt(maxAge.value, 10) : undefined, scope };
}

/** The type's own `@cacheControl`, else the first of its extensions'. */
export function typeAnnotation(type: GraphQLCompositeType): CacheAnnotation {
  const nodes = [type.astNode, ...type.extensionASTNodes];
  for (const node of nodes) {
    const annotation = annotationOf(node?.directives);
    if (annotation) return annotation;
  }
  return {};
}

/** Sets what `hint` says, over what `target` said. */
function replace(target: CacheHint, hint: CacheHint): void {
  if (hint.maxAge !== undefined) target.maxAge = hint.maxAge;
  if (hint.scope !== undefined) target.scope = hint.scope;
}

/** Keeps the shorter maxAge, and PRIVATE once any hint says so. */
export function restrict(target: CacheHint, hint: CacheHint): void {
  if (hint.maxAge !== undefined && (target.maxAge === undefined || hint.maxAge < target.maxAge)) {
    target.maxAge = hint.maxAge;
  }
  if (hint.scope !== undefined && target.scope !== "PRIVATE") target.scope = hint.scope;
}

export function restricts(hint: CacheHint): boolean {
  return hint.maxAge !== undefined || hint.scope !== undefined;
}

export interface FieldCacheRule {
  /** From the returned type's annotation and the field's own (the field's wins). */
  hint: CacheHint;
  /** Whether the field takes the default maxAge when no hint gave one: it returns an object that does not inherit. */
  takesDefault: boolean;
}

/** What resolving `field` adds to its answer's cache policy, as far as the SDL says (before any dynamic hint). */
export function fieldCacheRule(field: GraphQLField<unknown, unknown>): FieldCacheRule {
  const hint: CacheHint = {};
  const returned = getNamedType(field.type);
  const composite = isCompositeType(returned);
  let inherits = false;
  if (composite) {
    const annotation = typeAnnotation(returned);
    replace(hint, annotation);
    inherits = annotation.inheritMaxAge === true;
  }
  const own = annotationOf(field.astNode?.directives) ?? {};
  if (own.inheritMaxAge && hint.maxAge === undefined) {
    inherits = true;
    if (own.scope) hint.scope = own.scope;
  } else {
    replace(hint, own);
  }
  return { hint, takesDefault: composite && !inherits };
}

/** The field's final hint: a root field, or one returning a non-inheriting object, falls back to `defaultMaxAge`. */
export function withDefaultMaxAge(hint: CacheHint, takesDefault: boolean, defaultMaxAge: number): CacheHint {
  return hint.maxAge === undefined && takesDefault ? { ...hint, maxAge: defaultMaxAge } : hint;
}
