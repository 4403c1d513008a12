import { badRequest } from "./problem.ts";
import type { JsonSchema } from "./schema.ts";

/** A query parameter a route accepts: the parser and the OpenAPI document both read this. */
export interface ParamSpec {
  name: string;
  description: string;
  schema: JsonSchema;
}

export const MAX_BATCH = 500;

/** Query parameters of one request, checked against the route's declared parameters. */
export class Query {
  private readonly values = new Map<string, string>();

  constructor(search: string, allowed: readonly ParamSpec[]) {
    const params = new URLSearchParams(search);
    for (const [name, value] of params) {
      if (!allowed.some((spec) => spec.name === name)) throw badRequest(`unknown parameter '${name}'`);
      if (this.values.has(name)) throw badRequest(`parameter '${name}' is given more than once`);
      this.values.set(name, value);
    }
  }

  /** The parameters given, in request order. */
  names(): string[] {
    return [...this.values.keys()];
  }

  string(name: string): string | undefined {
    const value = this.values.get(name);
    if (value === "") throw badRequest(`${name}: must not be empty`);
    return value;
  }

  /** A comma-separated list (≤ 500 entries, duplicates collapsed, request order kept). */
  list(name: string, valid: (value: string) => boolean, what: string): string[] | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const entries = [...new Set(raw.split(","))];
    if (entries.length > MAX_BATCH)
      throw badRequest(`${name}: at most ${MAX_BATCH} values, got ${entries.length}`);
    for (const entry of entries) {
      if (!valid(entry)) throw badRequest(`${name}: '${entry}' is not ${what}`);
    }
    return entries;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!(values as readonly string[]).includes(raw)) {
      throw badRequest(`${name}: '${raw}' is not one of ${values.join(", ")}`);
    }
    return raw as T;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      throw badRequest(`${name}: '${raw}' is not an integer from ${min} to ${max}`);
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw !== "true" && raw !== "false") throw badRequest(`${name}: '${raw}' is not true or false`);
    return raw === "true";
  }

  matching(name: string, valid: (value: string) => boolean, what: string): string | undefined {
    const raw = this.string(name);
    if (raw !== undefined && !valid(raw)) throw badRequest(`${name}: '${raw}' is not ${what}`);
    return raw;
  }
}
