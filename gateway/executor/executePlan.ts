import type { FetchNode, PlanNode, QueryPlan } from "@apollo/query-planner";
import type { DocumentNode, GraphQLError, GraphQLFormattedError } from "graphql";
import type { GatewayContext } from "../context.ts";
import type { SubgraphFetch } from "../fetch/pipeline.ts";
import type { CachePolicyRestriction, SubgraphCall } from "../fetch/subgraphCall.ts";
import type { createEntityFetchBatcher } from "./batchedEntityFetch.ts";
import { applyRewrites } from "./dataRewrites.ts";
import { representationBuilder } from "./representations.ts";
import {
  type Cursor,
  isResultObject,
  mergeInto,
  moveInto,
  type ResponsePath,
  type ResultObject,
  rootCursor,
  type TypeMatcher,
} from "./resultTree.ts";
import {
  answersPerRepresentation,
  errorsPerRepresentation,
  shareRepresentations,
} from "./sharedRepresentations.ts";
import { executionError, subgraphError } from "./subgraphErrors.ts";

/** What a supergraph gives every execution of its plans. */
export interface PlanExecutionDeps {
  call: SubgraphCall;
  /** The subgraph's URL, undefined for a name the supergraph does not have. */
  subgraphUrl(name: string): string | undefined;
  /** Type conditions of requires and Flatten paths (objects without `__typename` match none). */
  matches: TypeMatcher;
  /** Type conditions of rewrites (objects without `__typename` match all). */
  rewriteMatches: TypeMatcher;
  batcher: ReturnType<typeof createEntityFetchBatcher>;
}

/** One request's side of an execution. */
export interface PlanRequest {
  /** The variables as the client sent them: what subgraphs receive. */
  variables: Record<string, unknown> | undefined;
  /** The same with defaults applied: what Condition nodes read. */
  coercedVariables: Record<string, unknown>;
  context: GatewayContext;
  cachePolicy: CachePolicyRestriction;
}

/** The entities of one cursor an entity fetch asks about, and their representations, position for position. */
interface EntityJob {
  node: FetchNode;
  cursor: Cursor;
  representations: ResultObject[];
  /** Index in `cursor.objects` of each representation's entity. */
  entityIndexes: number[];
}

interface Execution {
  deps: PlanExecutionDeps;
  request: PlanRequest;
  errors: GraphQLError[];
}

/**
 * Runs a query plan: every fetch through the fetch pipeline, every result merged in place into one tree (the raw data
 * the shaper turns into the answer), entity fetches of a Parallel step to the same subgraph sent as one request.
 * Subgraph and executor errors are collected with the paths they have in the client's answer.
 */
export async function executePlan(
  deps: PlanExecutionDeps,
  plan: QueryPlan,
  request: PlanRequest,
): Promise<{ data: ResultObject; errors: GraphQLError[] }> {
  const data: ResultObject = {};
  const execution: Execution = { deps, request, errors: [] };
  const node = plan.node;
  if (node?.kind === "Subscription") throw new Error("Execution of subscriptions not supported by gateway");
  if (node) await executeNode(execution, node, rootCursor(data));
  return { data, errors: execution.errors };
}

async function executeNode(execution: Execution, node: PlanNode, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case "Sequence":
      for (const child of node.nodes) await executeNode(execution, child, cursor);
      return;
    case "Parallel":
      return executeParallel(execution, node.nodes, cursor);
    case "Flatten": {
      const inner = moveInto(cursor, node.path, execution.deps.matches);
      if (inner.objects.length > 0) await executeNode(execution, node.node, inner);
      return;
    }
    case "Fetch":
      return guarded(execution, () => executeFetch(execution, node, cursor));
    case "Condition": {
      const branch = conditionHolds(execution.request, node.condition) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(execution, branch, cursor);
      return;
    }
    case "Defer":
      // The planner only makes Defer nodes when incremental delivery is enabled, which this gateway never asks for.
      throw new Error("@defer support is not available in the gateway");
  }
}

/** A fetch that fails in the executor (a malformed answer) costs its own fields, not the whole plan. */
async function guarded(execution: Execution, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    execution.errors.push(executionError(error));
  }
}

function conditionHolds(request: PlanRequest, variable: string): boolean {
  const value = request.coercedVariables[variable];
  if (typeof value !== "boolean") {
    throw new Error(`Invalid non-boolean value ${String(value)} for Boolean! variable $${variable}`);
  }
  return value;
}

/**
 * The children of a Parallel step start together; its entity fetches (bare or under a Flatten) are grouped per
 * subgraph first, and each group goes out as few `_entities` requests as their selections allow.
 */
async function executeParallel(
  execution: Execution,
  children: readonly PlanNode[],
  cursor: Cursor,
): Promise<void> {
  const tasks: Promise<void>[] = [];
  const bySubgraph = new Map<string, EntityJob[]>();
  for (const child of children) {
    const fetch = entityFetchOf(child);
    if (!fetch) {
      tasks.push(executeNode(execution, child, cursor));
      continue;
    }
    const at = child.kind === "Flatten" ? moveInto(cursor, child.path, execution.deps.matches) : cursor;
    let job: EntityJob | null;
    try {
      job = entityJob(execution, fetch, at);
    } catch (error) {
      execution.errors.push(executionError(error));
      continue;
    }
    if (!job) continue;
    const jobs = bySubgraph.get(fetch.serviceName);
    if (jobs) jobs.push(job);
    else bySubgraph.set(fetch.serviceName, [job]);
  }
  for (const jobs of bySubgraph.values()) {
    if (jobs.length === 1) {
      tasks.push(guarded(execution, () => runEntityJobs(execution, jobs)));
      continue;
    }
    for (const nodes of execution.deps.batcher.group(jobs.map((job) => job.node))) {
      const batch = jobs.filter((job) => nodes.includes(job.node));
      tasks.push(guarded(execution, () => runEntityJobs(execution, batch)));
    }
  }
  await Promise.all(tasks);
}

function entityFetchOf(node: PlanNode): FetchNode | null {
  const fetch = node.kind === "Flatten" ? node.node : node;
  return fetch.kind === "Fetch" && fetch.requires && fetch.operationKind === "query" ? fetch : null;
}

async function executeFetch(execution: Execution, node: FetchNode, cursor: Cursor): Promise<void> {
  if (node.requires) {
    const job = entityJob(execution, node, cursor);
    if (job) await runEntityJobs(execution, [job]);
    return;
  }
  if (cursor.objects.length === 0) return;
  const variables = usedVariables(execution.request, node.variableUsages);
  const kind = node.operationKind === "mutation" ? "mutation" : "query";
  const body = await send(execution, node.serviceName, kind, node.operation, node.operationName, variables);
  if (body.errors) {
    for (const error of body.errors) {
      const path = error.path ? [...cursor.pattern, ...error.path] : undefined;
      execution.errors.push(subgraphError(error, node.serviceName, path));
    }
  }
  const data = body.data;
  if (!data) return;
  applyRewrites(node.outputRewrites, data, execution.deps.rewriteMatches);
  for (const object of cursor.objects) mergeInto(object, data);
}

/** The representations of an entity fetch at a cursor; null when no entity there needs the fetch. */
function entityJob(execution: Execution, node: FetchNode, cursor: Cursor): EntityJob | null {
  if (node.contextRewrites?.length) {
    throw new Error(`Fetches with @fromContext arguments are not supported (service "${node.serviceName}")`);
  }
  const { matches, rewriteMatches } = execution.deps;
  const build = representationBuilder(node.requires!);
  const { objects } = cursor;
  const representations: ResultObject[] = [];
  const entityIndexes: number[] = [];
  for (let index = 0; index < objects.length; index++) {
    const representation = build(objects[index]!, matches);
    if (!representation) continue;
    applyRewrites(node.inputRewrites, representation, rewriteMatches);
    representations.push(representation);
    entityIndexes.push(index);
  }
  return representations.length > 0 ? { node, cursor, representations, entityIndexes } : null;
}

/** One `_entities` request for the jobs (one, or several the batcher joined), its answer split back to each job. */
async function runEntityJobs(execution: Execution, jobs: readonly EntityJob[]): Promise<void> {
  const first = jobs[0]!.node;
  const variables = usedVariables(execution.request, first.variableUsages);
  for (const job of jobs.slice(1))
    Object.assign(variables, usedVariables(execution.request, job.node.variableUsages));
  if ("representations" in variables) throw new Error(`Variables cannot contain key "representations"`);
  const representations =
    jobs.length === 1 ? jobs[0]!.representations : jobs.flatMap((job) => job.representations);
  const shared = shareRepresentations(representations);
  variables.representations = shared.sent;

  const batched = jobs.length > 1 ? execution.deps.batcher.operation(jobs.map((job) => job.node)) : null;
  const body = await send(
    execution,
    first.serviceName,
    "entities",
    batched?.query ?? first.operation,
    batched ? batched.operationName : first.operationName,
    variables,
    batched?.document,
  );
  if (body.errors) reportEntityErrors(execution, jobs, errorsPerRepresentation(body.errors, shared));

  const data = body.data;
  if (!data) return;
  if (!Array.isArray(data._entities)) throw new Error(`Expected "data._entities" in response to be an array`);
  if (data._entities.length !== shared.sent.length) {
    // The count @apollo/gateway names: it sends every representation, repeats included.
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  }
  const received = answersPerRepresentation(data._entities, shared);
  const { rewriteMatches } = execution.deps;
  let offset = 0;
  for (const job of jobs) {
    const { entityIndexes, node } = job;
    const targets = job.cursor.objects;
    for (let i = 0; i < entityIndexes.length; i++) {
      const entity = received[offset + i];
      const target = targets[entityIndexes[i]!]!;
      if (isResultObject(entity) && !entity.__typename) entity.__typename = target.__typename;
      applyRewrites(node.outputRewrites, entity, rewriteMatches);
      if (isResultObject(entity)) mergeInto(target, entity);
    }
    offset += entityIndexes.length;
  }
}

/** `["_entities", i, ...rest]` is the i-th representation's entity, wherever it sits in the answer, then `rest`. */
function reportEntityErrors(
  execution: Execution,
  jobs: readonly EntityJob[],
  errors: readonly GraphQLFormattedError[],
): void {
  const serviceName = jobs[0]!.node.serviceName;
  for (const error of errors) {
    const index = error.path?.[1];
    let path: ResponsePath | undefined;
    if (typeof index === "number") {
      path = [...(entityPath(jobs, index) ?? []), ...error.path!.slice(2)];
    } else if (error.path) {
      path = [...jobs[0]!.cursor.pattern, ...error.path];
    }
    execution.errors.push(subgraphError(error, serviceName, path));
  }
}

function entityPath(jobs: readonly EntityJob[], index: number): ResponsePath | undefined {
  let offset = 0;
  for (const job of jobs) {
    const local = index - offset;
    if (local < job.representations.length) {
      return local < 0 ? undefined : job.cursor.paths()[job.entityIndexes[local]!];
    }
    offset += job.representations.length;
  }
  return undefined;
}

/** The request's variables a fetch uses; absent ones stay absent (the subgraph applies its defaults). */
function usedVariables(request: PlanRequest, usages: readonly string[] | undefined): Record<string, unknown> {
  const variables: Record<string, unknown> = Object.create(null);
  const provided = request.variables;
  if (!usages || !provided) return variables;
  for (const name of usages) {
    if (Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
  }
  return variables;
}

async function send(
  execution: Execution,
  serviceName: string,
  kind: SubgraphFetch["kind"],
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  document?: DocumentNode,
) {
  const url = execution.deps.subgraphUrl(serviceName);
  if (url === undefined) throw new Error(`Couldn't find service with name "${serviceName}"`);
  const { context, cachePolicy } = execution.request;
  return execution.deps.call(
    { subgraph: serviceName, url, request: { query, variables, operationName }, kind, context },
    { cachePolicy, document },
  );
}
