import { type Directive, type OperationElement, type Schema, Variable } from "@apollo/federation-internals";

/** Whether `@skip`/`@include` drop a selection for these variables; null when the selection is always kept. */
export type SkipCondition = ((variables: VariableValues) => boolean) | null;

/** The request's variables over the operation's defaults, read without merging the two objects per request. */
export interface VariableValues {
  readonly provided: Record<string, unknown> | undefined;
  readonly defaults: Record<string, unknown>;
}

export function variableValue(variables: VariableValues, name: string): unknown {
  const { provided } = variables;
  // Apollo spreads the provided variables over the defaults, so a provided key wins even when it holds undefined.
  return provided !== undefined && Object.hasOwn(provided, name) ? provided[name] : variables.defaults[name];
}

type IfArgument = (variables: VariableValues) => boolean;

function ifArgument(
  directive: Directive<OperationElement, { if: boolean | Variable }>,
): IfArgument | boolean {
  const value: unknown = directive.arguments().if;
  if (!(value instanceof Variable)) return value === true;
  const name = value.name;
  return (variables) => {
    const resolved = variableValue(variables, name);
    // Apollo asserts this (the operation was validated, so only a null for a defaulted variable gets here).
    if (typeof resolved !== "boolean") {
      throw new Error(`Unexpected value ${String(resolved)} for variable ${value} of ${directive}`);
    }
    return resolved;
  };
}

// Apollo looks at the first @skip and the first @include only, skip first.
export function skipCondition(element: OperationElement, schema: Schema): SkipCondition {
  const skip = element.appliedDirectivesOf(schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(schema.includeDirective())[0];
  const skipIf = skip ? ifArgument(skip) : false;
  const includeIf = include ? ifArgument(include) : true;
  if (skipIf === true) return () => true;
  const dropsWhenIncludeSaysSo =
    includeIf === true
      ? null
      : includeIf === false
        ? () => true
        : (variables: VariableValues) => !includeIf(variables);
  if (skipIf === false) return dropsWhenIncludeSaysSo;
  return (variables) => skipIf(variables) || dropsWhenIncludeSaysSo?.(variables) === true;
}
