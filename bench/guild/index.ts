import { z } from "zod";
import { loadGuildData } from "./data.ts";
import { createGuildServer } from "./server.ts";

// Started by the harness (and runnable by hand): the four Guild benchmark subgraphs on one port.
const env = z
  .object({
    GUILD_HOST: z.string().default("127.0.0.1"),
    GUILD_PORT: z.coerce.number().int().min(0).max(65535).default(4200),
    SUBGRAPH_DELAY_MS: z.coerce.number().int().min(0).default(0),
  })
  .parse(process.env);

const server = createGuildServer(
  { host: env.GUILD_HOST, port: env.GUILD_PORT, delayMs: env.SUBGRAPH_DELAY_MS },
  { data: loadGuildData() },
);
const { url } = await server.start();
console.log(`guild subgraphs listening on ${url} (/accounts /products /reviews /inventory)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.stop().then(() => process.exit(0));
  });
}
