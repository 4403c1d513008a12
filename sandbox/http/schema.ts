/** JSON Schema (2020-12 subset) builders: the response schemas are data, shared by OpenAPI and tests. */

export type JsonSchema = { [keyword: string]: unknown };

export const string = (extra: JsonSchema = {}): JsonSchema => ({ type: "string", ...extra });
export const integer = (extra: JsonSchema = {}): JsonSchema => ({ type: "integer", ...extra });
export const number = (extra: JsonSchema = {}): JsonSchema => ({ type: "number", ...extra });
export const boolean = (): JsonSchema => ({ type: "boolean" });
export const enumOf = (values: readonly string[]): JsonSchema => ({ type: "string", enum: [...values] });
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: "array", items });
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }] });
export const date = (): JsonSchema => string({ format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" });
export const timestamp = (): JsonSchema =>
  string({ format: "date-time", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+07:00$" });

/** Properties that count something, in the order given: each a non-negative integer. */
export const counts = (...names: string[]): Record<string, JsonSchema> =>
  Object.fromEntries(names.map((name) => [name, integer({ minimum: 0 })]));

/** A closed object whose every listed property is required unless named in `optional`. */
export function object(properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema {
  return {
    type: "object",
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    additionalProperties: false,
  };
}

export const itemsOf = (item: JsonSchema): JsonSchema => object({ items: arrayOf(item) });
export const pageOf = (item: JsonSchema): JsonSchema =>
  object({ items: arrayOf(item), totalCount: integer({ minimum: 0 }), nextCursor: nullable(string()) });
