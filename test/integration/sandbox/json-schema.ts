/**
 * A checker for the JSON Schema subset the sandbox emits ($ref, anyOf, type, enum, pattern, minimum,
 * maximum, properties, required, additionalProperties, items). Returns the problems found, empty when valid.
 */
type Schema = { [keyword: string]: unknown };

export function validate(schema: Schema, value: unknown, root: Schema, path = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const target = schema.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((node, key) => (node as Schema)[key], root) as Schema | undefined;
    if (!target) return [`${path}: unresolved ${schema.$ref}`];
    return validate(target, value, root, path);
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as Schema[]).map((branch) => validate(branch, value, root, path));
    return branches.some((errors) => errors.length === 0)
      ? []
      : [`${path}: matches no anyOf branch (${branches.flat()[0]})`];
  }
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => hasType(value, type)))
      return [`${path}: expected ${types.join("|")}, got ${JSON.stringify(value)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (
    typeof value === "string" &&
    typeof schema.pattern === "string" &&
    !new RegExp(schema.pattern, "u").test(value)
  ) {
    errors.push(`${path}: '${value}' does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      errors.push(`${path}: ${value} < ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
      errors.push(`${path}: ${value} > ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    for (const [k, item] of value.entries())
      errors.push(...validate(schema.items as Schema, item, root, `${path}[${k}]`));
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in record)) errors.push(`${path}: missing '${name}'`);
    }
    for (const [name, item] of Object.entries(record)) {
      if (properties[name]) errors.push(...validate(properties[name], item, root, `${path}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected '${name}'`);
      else if (typeof schema.additionalProperties === "object") {
        errors.push(...validate(schema.additionalProperties as Schema, item, root, `${path}.${name}`));
      }
    }
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}
