import {
  buildSchema,
  type CompositeType,
  isCompositeType,
  isEnumType,
  isObjectType,
  isSubtype,
  type NamedType,
  type Schema,
} from "@apollo/federation-internals";
import { type GraphQLSchema, printSchema } from "graphql";

/** What shaping needs to know about the API schema, answered from Sets so a request never walks the schema. */
export interface SchemaFacts {
  /** The API schema in @apollo/federation-internals' model, which `operationFromDocument` needs. */
  readonly schema: Schema;
  /** The API schema as graphql-js sees it, for introspection. */
  readonly graphqlSchema: GraphQLSchema;
  /** Every type name `Schema.type()` resolves (built-ins included), as Apollo's `__typename` handling checks. */
  readonly typeNames: ReadonlySet<string>;
  readonly objectTypeNames: ReadonlySet<string>;
  readonly compositeTypeNames: ReadonlySet<string>;
  /** The names of the types a fragment on `condition` applies to: Apollo's `isSubtype(condition, type)`. */
  typesMatching(condition: CompositeType): ReadonlySet<string>;
  /** The values of an enum type of the API schema (inaccessible ones are absent). */
  enumValues(typeName: string): ReadonlySet<string>;
}

export function createSchemaFacts(graphqlSchema: GraphQLSchema): SchemaFacts {
  // The API schema printed and rebuilt: it has no federation or link directives left, so the federation model
  // accepts it as a plain schema, and its types are the ones Apollo's shaping resolves names against.
  const schema = buildSchema(printSchema(graphqlSchema));
  const namedTypes = new Map<string, NamedType>();
  for (const type of [...schema.builtInTypes(true), ...schema.types()]) {
    const resolved = schema.type(type.name);
    if (resolved) namedTypes.set(type.name, resolved);
  }
  const typeNames = new Set(namedTypes.keys());
  const objectTypeNames = new Set<string>();
  const compositeTypes: CompositeType[] = [];
  for (const type of namedTypes.values()) {
    if (isObjectType(type)) objectTypeNames.add(type.name);
    if (isCompositeType(type)) compositeTypes.push(type);
  }
  const compositeTypeNames = new Set(compositeTypes.map((type) => type.name));

  const matching = new Map<string, ReadonlySet<string>>();
  const enums = new Map<string, ReadonlySet<string>>();
  return {
    schema,
    graphqlSchema,
    typeNames,
    objectTypeNames,
    compositeTypeNames,
    typesMatching(condition) {
      let names = matching.get(condition.name);
      if (!names) {
        names = new Set(compositeTypes.filter((type) => isSubtype(condition, type)).map((type) => type.name));
        matching.set(condition.name, names);
      }
      return names;
    },
    enumValues(typeName) {
      let values = enums.get(typeName);
      if (!values) {
        const type = schema.type(typeName);
        values = new Set(type && isEnumType(type) ? type.values.map((value) => value.name) : []);
        enums.set(typeName, values);
      }
      return values;
    },
  };
}
