import {
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  isTypeDefinitionNode,
  isTypeExtensionNode,
  Kind,
  parse,
  valueFromASTUntyped,
} from "graphql";

/** `@listSize` of one field, as the IBM cost specification defines it. */
export interface ListSize {
  assumedSize: number | null;
  slicingArguments: string[];
  sizedFields: string[];
}

/** The cost specification's directives of a supergraph, looked up by type and field name. */
export interface CostDirectives {
  /** `@cost(weight:)` on a field, else on its named return type (object, scalar, enum); null when neither. */
  weight(typeName: string, fieldName: string, returnTypeName: string): number | null;
  /** Summed `@cost` of the arguments a field is given. */
  argumentsWeight(typeName: string, fieldName: string, argumentNames: readonly string[]): number;
  listSize(typeName: string, fieldName: string): ListSize | null;
}

/** A supergraph without the cost spec: every list assumes the configured default size. */
export const NO_COST_DIRECTIVES: CostDirectives = {
  weight: () => null,
  argumentsWeight: () => 0,
  listSize: () => null,
};

const COST_SPEC = "https://specs.apollo.dev/cost/";

interface DirectiveNames {
  cost: string | null;
  listSize: string | null;
}

function argumentOf(directive: ConstDirectiveNode, name: string): unknown {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value) : undefined;
}

/**
 * Composition links the cost spec and imports what the subgraphs imported: `@cost` is the spec's own name (so
 * `as:` renames it), `@listSize` is imported (possibly renamed) or else namespaced (`cost__listSize`).
 */
function linkedDirectiveNames(definitions: readonly DefinitionNode[]): DirectiveNames {
  for (const definition of definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      const url = argumentOf(directive, "url");
      if (directive.name.value !== "link" || typeof url !== "string" || !url.startsWith(COST_SPEC)) continue;
      const alias = argumentOf(directive, "as");
      const namespace = typeof alias === "string" ? alias : "cost";
      const names: DirectiveNames = { cost: namespace, listSize: `${namespace}__listSize` };
      const imports = argumentOf(directive, "import");
      for (const entry of Array.isArray(imports) ? imports : []) {
        const { name, as } =
          typeof entry === "string" ? { name: entry, as: entry } : (entry as { name: string; as?: string });
        const local = (as ?? name).replace(/^@/, "");
        if (name === "@cost") names.cost = local;
        if (name === "@listSize") names.listSize = local;
      }
      return names;
    }
  }
  return { cost: null, listSize: null };
}

function weightOf(directives: readonly ConstDirectiveNode[] | undefined, name: string | null): number | null {
  const directive = directives?.find((d) => d.name.value === name);
  if (!directive) return null;
  const weight = argumentOf(directive, "weight");
  if (typeof weight !== "number") throw new Error(`@${name} needs weight: Int!`);
  return weight;
}

function listSizeOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  name: string | null,
): ListSize | null {
  const directive = directives?.find((d) => d.name.value === name);
  if (!directive) return null;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  const assumedSize = argumentOf(directive, "assumedSize");
  return {
    assumedSize: typeof assumedSize === "number" ? assumedSize : null,
    slicingArguments: strings(argumentOf(directive, "slicingArguments")),
    sizedFields: strings(argumentOf(directive, "sizedFields")),
  };
}

/** Reads `@cost` / `@listSize` from a (core) supergraph; a supergraph without the cost spec has none. */
export function readCostDirectives(supergraph: string | DocumentNode): CostDirectives {
  const document = typeof supergraph === "string" ? parse(supergraph) : supergraph;
  const names = linkedDirectiveNames(document.definitions);
  const typeWeights = new Map<string, number>();
  const fieldWeights = new Map<string, number>();
  const argumentWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();

  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives, names.cost);
    if (typeWeight !== null) typeWeights.set(typeName, typeWeight);
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const key = `${typeName}.${field.name.value}`;
      const weight = weightOf(field.directives, names.cost);
      if (weight !== null) fieldWeights.set(key, weight);
      const listSize = listSizeOf(field.directives, names.listSize);
      if (listSize) listSizes.set(key, listSize);
      for (const argument of field.arguments ?? []) {
        const argumentWeight = weightOf(argument.directives, names.cost);
        if (argumentWeight !== null) argumentWeights.set(`${key}(${argument.name.value})`, argumentWeight);
      }
    }
  }

  return {
    weight: (typeName, fieldName, returnTypeName) =>
      fieldWeights.get(`${typeName}.${fieldName}`) ?? typeWeights.get(returnTypeName) ?? null,
    argumentsWeight(typeName, fieldName, argumentNames) {
      if (argumentWeights.size === 0) return 0;
      let sum = 0;
      for (const name of argumentNames) sum += argumentWeights.get(`${typeName}.${fieldName}(${name})`) ?? 0;
      return sum;
    },
    listSize: (typeName, fieldName) => listSizes.get(`${typeName}.${fieldName}`) ?? null,
  };
}
