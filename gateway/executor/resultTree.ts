/** The answer being built while a plan runs: subgraph results merged into one tree, in place. */
export type ResultObject = Record<string, unknown>;
export type ResponsePath = (string | number)[];

const TYPE_CONDITION_PREFIX = "... on ";

/** Whether an object of the answer is of a type condition (`typename` null when the object carries none). */
export type TypeMatcher = (object: ResultObject, condition: string) => boolean;

export function isResultObject(value: unknown): value is ResultObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The object's own value at `key`. Objects of the answer come from JSON, where no value is a function: a function
 * (or `__proto__`) can only be inherited from Object.prototype, so this needs no `hasOwn` lookup on the hot path.
 */
export function ownValue(object: ResultObject, key: string): unknown {
  const value = object[key];
  return typeof value === "function" || key === "__proto__" ? undefined : value;
}

/**
 * Merges a subgraph's result into the answer: objects merge key by key, lists of the same length element by element,
 * anything else replaces. The source's objects become part of the answer (they were parsed for this request only).
 */
export function mergeInto(target: ResultObject, source: ResultObject): void {
  // for…in: JSON objects have no enumerable inherited keys, and it spares an array of keys per object.
  for (const key in source) {
    const value = source[key];
    // `__proto__` is no GraphQL response name; assigning it would change the object's prototype.
    if (value === undefined || key === "__proto__") continue;
    const existing = target[key];
    if (isResultObject(existing) && isResultObject(value)) {
      mergeInto(existing, value);
    } else if (Array.isArray(existing) && Array.isArray(value) && existing.length === value.length) {
      for (let i = 0; i < value.length; i++) {
        const element = existing[i];
        const incoming = value[i];
        if (isResultObject(element) && isResultObject(incoming)) mergeInto(element, incoming);
        else existing[i] = incoming;
      }
    } else {
      target[key] = value;
    }
  }
}

/** A copy of a subgraph's value that shares no object or list the answer could take with it (JSON: no cycles). */
export function cloneResult(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneResult);
  // Built field by field, not with a spread: spread copies slowed down every later merge into the answer (profiled).
  const copy: ResultObject = {};
  for (const key in value) {
    // Dropped as `mergeInto` drops it: assigning it would set the copy's prototype.
    if (key === "__proto__") continue;
    const field = (value as ResultObject)[key];
    copy[key] = typeof field === "object" && field !== null ? cloneResult(field) : field;
  }
  return copy;
}

/**
 * The objects a plan node works on: the root for top-level fetches, the objects a Flatten path reaches for the others.
 * Their concrete paths (list indexes instead of `@`) are only needed for errors, so they are computed on demand.
 */
export interface Cursor {
  objects: ResultObject[];
  /** The Flatten paths that led here, `@` for lists and `... on T` conditions included. */
  pattern: ResponsePath;
  paths(): ResponsePath[];
}

export function rootCursor(data: ResultObject): Cursor {
  return { objects: [data], pattern: [], paths: () => [[]] };
}

/** The non-null objects at `path` below each object of the cursor. */
export function moveInto(cursor: Cursor, path: readonly (string | number)[], matches: TypeMatcher): Cursor {
  const { objects } = follow(cursor.objects, null, path, matches);
  let paths: ResponsePath[] | null = null;
  return {
    objects,
    pattern: [...cursor.pattern, ...path],
    paths() {
      paths ??= follow(cursor.objects, cursor.paths(), path, matches).paths!;
      return paths;
    },
  };
}

/**
 * Follows `path` one step at a time for all objects at once, in document order. `@` steps into a list; a list met
 * anywhere else (nested lists, or at the end of the path) is stepped into as well; nulls and scalars drop out. The
 * concrete paths are tracked alongside only when `paths` are given (errors need them, the hot path does not).
 */
function follow(
  start: readonly ResultObject[],
  startPaths: readonly ResponsePath[] | null,
  path: readonly (string | number)[],
  matches: TypeMatcher,
): { objects: ResultObject[]; paths: ResponsePath[] | null } {
  let values: unknown[] = start as unknown[];
  let paths = startPaths as ResponsePath[] | null;
  for (let index = 0; index <= path.length; index++) {
    const step = index < path.length ? path[index] : undefined;
    const nextValues: unknown[] = [];
    const nextPaths: ResponsePath[] | null = paths ? [] : null;
    for (let i = 0; i < values.length; i++) {
      visit(values[i], paths?.[i] ?? null, step, matches, nextValues, nextPaths);
    }
    values = nextValues;
    paths = nextPaths;
  }
  return { objects: values as ResultObject[], paths };
}

/** One value's contribution to the next step of `follow` (`step` undefined: the end of the path). */
function visit(
  value: unknown,
  at: ResponsePath | null,
  step: string | number | undefined,
  matches: TypeMatcher,
  values: unknown[],
  paths: ResponsePath[] | null,
): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const elementAt = at ? [...at, i] : null;
      // `@` is this list: its elements go on to the next step. Any other list is stepped through in place.
      if (step === "@") {
        values.push(value[i]);
        paths?.push(elementAt!);
      } else {
        visit(value[i], elementAt, step, matches, values, paths);
      }
    }
    return;
  }
  if (!isResultObject(value)) return;
  if (step === undefined) {
    values.push(value);
    paths?.push(at!);
    return;
  }
  if (typeof step !== "string" || step === "@") return;
  if (step.startsWith(TYPE_CONDITION_PREFIX)) {
    if (matches(value, step.slice(TYPE_CONDITION_PREFIX.length))) {
      values.push(value);
      paths?.push(at!);
    }
    return;
  }
  values.push(ownValue(value, step));
  paths?.push(at ? [...at, step] : []);
}
