import { isDeepStrictEqual } from "node:util";

export interface GraphQLReply {
  status: number;
  data: unknown;
  /** Messages (with codes) of the reply's GraphQL errors; empty when there were none. */
  errors: string[];
}

export async function postGraphQL(url: string, body: string): Promise<GraphQLReply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: { data?: unknown; errors?: { message?: string; extensions?: { code?: string } }[] };
  try {
    parsed = JSON.parse(text);
  } catch {
    return { status: response.status, data: null, errors: [`non-JSON reply: ${text.slice(0, 200)}`] };
  }
  const errors = (parsed.errors ?? []).map(
    (error) => `${error.extensions?.code ?? "ERROR"}: ${error.message ?? "(no message)"}`,
  );
  return { status: response.status, data: parsed.data ?? null, errors };
}

/** Path and values of the first place two `data` trees differ, or null when they are deep-equal. */
export function firstDifference(expected: unknown, actual: unknown, path = "data"): string | null {
  if (isDeepStrictEqual(expected, actual)) return null;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return `${path}: ${expected.length} items vs ${actual.length}`;
    for (let index = 0; index < expected.length; index++) {
      const found = firstDifference(expected[index], actual[index], `${path}[${index}]`);
      if (found) return found;
    }
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const found = firstDifference(expected[key], actual[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path}: expected ${preview(expected)}, got ${preview(actual)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
