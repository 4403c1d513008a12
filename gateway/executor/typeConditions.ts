import { type GraphQLSchema, isAbstractType, isInterfaceType, isObjectType } from "graphql";
import type { ResultObject, TypeMatcher } from "./resultTree.ts";

/**
 * Type conditions of a plan (`... on T` in requires, rewrites and Flatten paths) tested against the `__typename` of
 * objects of the answer, in the supergraph schema (requires may name @inaccessible types). Answers are memoised per
 * (typename, condition): a plan asks the same few questions for every entity.
 * `unknownMatches`: what an object without `__typename` counts as.
 */
export function createTypeMatcher(schema: GraphQLSchema, unknownMatches: boolean): TypeMatcher {
  const memo = new Map<string, boolean>();
  return (object: ResultObject, condition: string) => {
    const typename = object.__typename;
    if (typeof typename !== "string" || typename === "") return unknownMatches;
    if (typename === condition) return true;
    const key = `${typename}\u0000${condition}`;
    let answer = memo.get(key);
    if (answer === undefined) {
      answer = isSubtypeOf(schema, typename, condition);
      memo.set(key, answer);
    }
    return answer;
  };
}

function isSubtypeOf(schema: GraphQLSchema, typename: string, condition: string): boolean {
  const type = schema.getType(typename);
  const conditionType = schema.getType(condition);
  if (!type || !conditionType || !isAbstractType(conditionType)) return false;
  return (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(conditionType, type);
}

/** Whether some object could match both conditions (one of them abstract and the other among its types, or both). */
export function conditionsOverlap(schema: GraphQLSchema, a: string, b: string): boolean {
  if (a === b) return true;
  const typesOf = (name: string) => {
    const type = schema.getType(name);
    if (!type) return new Set([name]);
    if (isAbstractType(type)) return new Set(schema.getPossibleTypes(type).map((t) => t.name));
    return new Set([name]);
  };
  const left = typesOf(a);
  for (const name of typesOf(b)) if (left.has(name)) return true;
  return false;
}
