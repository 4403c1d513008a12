// The audit's own pass rule (its src/test.ts): `data` deeply and strictly equal to the expected data, and, only
// when the case states `errors` as a boolean, whether any error came back.
import { isDeepStrictEqual } from "node:util";
import type { Answer } from "./answer.ts";
import type { AuditCase } from "./auditServer.ts";

interface ResultShape {
  data?: unknown;
  errors?: unknown[];
}

function parsed(body: string): ResultShape | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null ? (value as ResultShape) : null;
  } catch {
    return null;
  }
}

export function meetsAuditExpectation(answer: Answer, expected: AuditCase["expected"]): boolean {
  const result = parsed(answer.body) ?? {};
  const errorsOptional = typeof expected.errors !== "boolean";
  const received = {
    data: result.data ?? null,
    errors: errorsOptional ? null : Boolean(result.errors?.length),
  };
  const wanted = { data: expected.data ?? null, errors: errorsOptional ? null : (expected.errors ?? false) };
  return isDeepStrictEqual(received, wanted);
}
