import { z } from "zod";

export const explorerConfig = z
  .object({
    // The explorer needs the schema, so it is only served where introspection is on (not in production by default);
    // `off` keeps a development or staging gateway's introspection without the page.
    EXPLORER: z.enum(["on", "off"]).default("on"),
  })
  .transform((env) => ({ enabled: env.EXPLORER === "on" }));
