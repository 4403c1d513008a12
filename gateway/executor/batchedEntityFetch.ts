import type { FetchNode } from "@apollo/query-planner";
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
  print,
  type SelectionNode,
  stripIgnoredCharacters,
  type VariableDefinitionNode,
} from "graphql";
import { conditionsOverlap } from "./typeConditions.ts";

/** One `_entities` request standing for several entity fetches of a plan step to the same subgraph. */
export interface BatchedOperation {
  query: string;
  operationName: string | undefined;
  document: DocumentNode;
}

/** What makes an entity fetch's operation joinable with others: its parts, read once per plan node. */
interface EntityOperationParts {
  operation: OperationDefinitionNode;
  entities: FieldNode;
  typeConditions: string[];
  /** Printed so that two fetches can tell whether they mean the same `$name` or the same named fragment. */
  variables: Map<string, string>;
  fragments: Map<string, string>;
  fragmentNodes: FragmentDefinitionNode[];
}

/**
 * Joins entity fetches of one plan step that go to the same subgraph into one `_entities` request: the
 * representations concatenated, the selections side by side as the `... on T` fragments they already are. Fetches
 * join only when no entity could match two of them (their type conditions do not overlap), so every entity gets
 * exactly the fields its own fetch asked for and the entity cache, which caches `_entities` per representation,
 * works on the joined request as on any other. The joined operations are printed once per plan.
 */
export function createEntityFetchBatcher(schema: GraphQLSchema) {
  const parts = new WeakMap<FetchNode, EntityOperationParts | null>();
  const joined = new WeakMap<FetchNode, Map<string, BatchedOperation>>();
  const ids = new WeakMap<FetchNode, number>();
  let nextId = 0;

  function partsOf(node: FetchNode): EntityOperationParts | null {
    let found = parts.get(node);
    if (found === undefined) {
      found = readParts(node);
      parts.set(node, found);
    }
    return found;
  }

  function idOf(node: FetchNode): number {
    let id = ids.get(node);
    if (id === undefined) {
      id = nextId++;
      ids.set(node, id);
    }
    return id;
  }

  function joinable(batch: readonly FetchNode[], node: FetchNode): boolean {
    const candidate = partsOf(node);
    if (!candidate) return false;
    return batch.every((member) => {
      const other = partsOf(member);
      if (!other) return false;
      if (agreeingMaps(other.variables, candidate.variables) === false) return false;
      if (agreeingMaps(other.fragments, candidate.fragments) === false) return false;
      return other.typeConditions.every((a) =>
        candidate.typeConditions.every((b) => !conditionsOverlap(schema, a, b)),
      );
    });
  }

  return {
    /** The fetches grouped into requests, in their order: each group is one request. */
    group(nodes: readonly FetchNode[]): FetchNode[][] {
      const batches: FetchNode[][] = [];
      for (const node of nodes) {
        const batch = batches.find((candidate) => joinable(candidate, node));
        if (batch) batch.push(node);
        else batches.push([node]);
      }
      return batches;
    },

    /** The one operation of a group of joinable fetches (`group` made it). */
    operation(nodes: readonly FetchNode[]): BatchedOperation {
      const first = nodes[0]!;
      let byMembers = joined.get(first);
      if (!byMembers) {
        byMembers = new Map();
        joined.set(first, byMembers);
      }
      const key = nodes.map(idOf).join(",");
      let operation = byMembers.get(key);
      if (!operation) {
        operation = join(nodes.map((node) => partsOf(node)!));
        byMembers.set(key, operation);
      }
      return operation;
    },
  };
}

function readParts(node: FetchNode): EntityOperationParts | null {
  if (!node.requires || node.operationKind !== OperationTypeNode.QUERY) return null;
  const document = node.operationDocumentNode ?? parse(node.operation);
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operations[0];
  if (operations.length !== 1 || !operation || operation.selectionSet.selections.length !== 1) return null;
  const entities = operation.selectionSet.selections[0]!;
  if (
    entities.kind !== Kind.FIELD ||
    entities.name.value !== "_entities" ||
    entities.alias ||
    entities.directives?.length ||
    !entities.selectionSet
  ) {
    return null;
  }
  const typeConditions: string[] = [];
  for (const selection of entities.selectionSet.selections) {
    if (selection.kind !== Kind.INLINE_FRAGMENT || !selection.typeCondition || selection.directives?.length) {
      return null;
    }
    typeConditions.push(selection.typeCondition.name.value);
  }
  const fragments = document.definitions.filter(
    (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
  );
  return {
    operation,
    entities,
    typeConditions,
    variables: new Map(
      (operation.variableDefinitions ?? []).map((definition) => [
        definition.variable.name.value,
        print(definition),
      ]),
    ),
    fragments: new Map(fragments.map((fragment) => [fragment.name.value, print(fragment)])),
    fragmentNodes: fragments,
  };
}

/** False when a name means different things in the two maps. */
function agreeingMaps(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  for (const [name, printed] of b) {
    const other = a.get(name);
    if (other !== undefined && other !== printed) return false;
  }
  return true;
}

function join(members: readonly EntityOperationParts[]): BatchedOperation {
  const first = members[0]!;
  const variableDefinitions = new Map<string, VariableDefinitionNode>();
  const selections: SelectionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const member of members) {
    for (const definition of member.operation.variableDefinitions ?? []) {
      if (!variableDefinitions.has(definition.variable.name.value)) {
        variableDefinitions.set(definition.variable.name.value, definition);
      }
    }
    selections.push(...member.entities.selectionSet!.selections);
  }
  for (const member of members) {
    for (const fragment of member.fragmentNodes) {
      if (!fragments.has(fragment.name.value)) fragments.set(fragment.name.value, fragment);
    }
  }
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...first.operation,
        variableDefinitions: [...variableDefinitions.values()],
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [{ ...first.entities, selectionSet: { kind: Kind.SELECTION_SET, selections } }],
        },
      },
      ...fragments.values(),
    ],
  };
  return {
    query: stripIgnoredCharacters(print(document)),
    operationName: first.operation.name?.value,
    document,
  };
}
