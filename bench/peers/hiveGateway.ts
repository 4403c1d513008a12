import { createServer } from "node:http";
import { createGatewayRuntime } from "@graphql-hive/gateway";
import { useJIT } from "@graphql-mesh/plugin-jit";
import { z } from "zod";

// Peer for the benchmark: Hive Gateway's runtime on node:http, configured as the public benchmark's
// gateway.config.ts (inbound deduplication, JIT; the CLI's `jit: true` is this plugin). INBOUND_DEDUP=off is the
// same gateway without inbound deduplication, for a like-for-like comparison with gateways whose dedup is off.
const env = z
  .object({
    SUPERGRAPH_PATH: z.string().min(1),
    PORT: z.coerce.number().int().min(0).max(65535),
    INBOUND_DEDUP: z.enum(["on", "off"]).default("on"),
  })
  .parse(process.env);

const gateway = createGatewayRuntime({
  supergraph: env.SUPERGRAPH_PATH,
  inboundInflightRequestDeduplication: env.INBOUND_DEDUP === "on",
  plugins: () => [useJIT()],
  logging: "error",
});
const server = createServer(gateway);
server.listen(env.PORT, "127.0.0.1", () => {
  console.log(`hive gateway listening on http://127.0.0.1:${env.PORT}/graphql`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void Promise.resolve(gateway.dispose()).then(() => process.exit(0));
  });
}
