import { z } from "zod";

// Building blocks of the zod schemas that read each process's environment, so "on"/"off" switches, positive
// numbers and optional strings mean the same thing in every process.

export const onOff = (fallback: "on" | "off") =>
  z
    .enum(["on", "off"])
    .default(fallback)
    .transform((value) => value === "on");

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** An unset or empty variable is null. */
export const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.length > 0 ? value : null));

export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info");

/**
 * `<PREFIX><NAME>` variables, e.g. SUBGRAPH_TIMEOUT_MS_REPORTING, as `{ reporting: value }`; a value the schema
 * refuses becomes a zod issue named after the variable.
 */
export function perNameOverrides<T>(
  env: Record<string, unknown>,
  prefix: string,
  schema: z.ZodType<T>,
  ctx: z.RefinementCtx,
): Record<string, T> {
  const overrides: Record<string, T> = {};
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith(prefix) || typeof raw !== "string" || raw === "") continue;
    const result = schema.safeParse(raw);
    if (result.success) overrides[key.slice(prefix.length).toLowerCase()] = result.data;
    else
      ctx.addIssue({ code: "custom", path: [key], message: `${result.error.issues[0]?.message} (${raw})` });
  }
  return overrides;
}
