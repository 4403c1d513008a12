// A one-line account of how two answers differ: the status, else the first JSON path whose values differ (or a
// note that only the order of keys differs), else the first differing byte of bodies that are not JSON.
import type { Answer } from "./answer.ts";

const SNIPPET_CHARS = 120;

const snippet = (value: unknown) => {
  const text = value === undefined ? "(absent)" : JSON.stringify(value);
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
    const order = (value: Record<string, unknown>) => Object.keys(value).join(",");
    return order(a) === order(b)
      ? null
      : `${path || "(root)"}: key order apollo {${order(a)}} own {${order(b)}}`;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  return `${path || "(root)"}: apollo ${snippet(a)} own ${snippet(b)}`;
}

function parsedOrUndefined(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function describeDifference(apollo: Answer, own: Answer): string {
  const status = apollo.status === own.status ? "" : `status apollo ${apollo.status} own ${own.status}; `;
  const [a, b] = [parsedOrUndefined(apollo.body), parsedOrUndefined(own.body)];
  if (a !== undefined && b !== undefined) {
    const found = firstDifference(a, b, "");
    if (found) return `${status}${found}`;
    if (apollo.body !== own.body)
      return `${status}same JSON, different bytes (whitespace or number spelling)`;
    return status.replace(/; $/, "");
  }
  let at = 0;
  while (at < apollo.body.length && apollo.body[at] === own.body[at]) at++;
  return `${status}bodies differ at character ${at}: apollo ${snippet(apollo.body.slice(at, at + 60))} own ${snippet(own.body.slice(at, at + 60))}`;
}
