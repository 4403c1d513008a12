import { type EnumType, isCustomScalarType, isEnumType, type ScalarType } from "@apollo/federation-internals";

/** Whether a subgraph's value is one Apollo's `isValidLeafValue` accepts for the type; null when any value is. */
export type LeafCheck = ((value: unknown) => boolean) | null;

/** From 1e21 on, a number prints in exponent notation, which Apollo's integer pattern (over `String(value)`) rejects. */
const EXPONENT_NOTATION_FROM = 1e21;

function isIntegral(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && Math.abs(value) < EXPONENT_NOTATION_FROM;
}

// Specialised per type from `isValidLeafValue` (@apollo/federation-internals values.ts) so that a request pays one
// typeof test per leaf instead of that function's chain of schema lookups.
export function leafCheck(
  type: ScalarType | EnumType,
  enumValues: (typeName: string) => ReadonlySet<string>,
): LeafCheck {
  if (isEnumType(type)) {
    const values = enumValues(type.name);
    return (value) => typeof value === "string" && values.has(value);
  }
  if (isCustomScalarType(type)) return null;
  switch (type.name) {
    case "Boolean":
      return (value) => typeof value === "boolean";
    case "Int":
      return isIntegral;
    case "ID":
      return (value) => typeof value === "string" || isIntegral(value);
    case "Float":
      return (value) => typeof value === "number" && Number.isFinite(value);
    default:
      // String: Apollo accepts only strings (a number is valid only for Float, Int and ID).
      return (value) => typeof value === "string";
  }
}
