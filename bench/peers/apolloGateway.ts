import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { z } from "zod";

// Peer for the benchmark: exactly what the public benchmark runs — plain gateway, standalone server, no plugins.
const env = z
  .object({ SUPERGRAPH_PATH: z.string().min(1), PORT: z.coerce.number().int().min(0).max(65535) })
  .parse(process.env);

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(env.SUPERGRAPH_PATH, "utf8") });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: env.PORT } });
console.log(`apollo gateway listening on ${url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.stop().then(() => process.exit(0));
  });
}
