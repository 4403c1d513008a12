// Each subgraph's INTERNAL_CONTEXT_KEY, derived from the gateway's INTERNAL_CONTEXT_SECRET, as .env lines for
// docker-compose.yml (`<NAME>_CONTEXT_KEY=…`). Give each subgraph only its own line: a subgraph holding the secret,
// or another's key, could sign contexts that the others accept.
//   INTERNAL_CONTEXT_SECRET=... npx tsx scripts/context-keys.ts >> .env
import { deriveContextKey, encodeContextKey } from "../common/signedContext.ts";
import { SUBGRAPH_DEFAULT_PORTS, type SubgraphName } from "../subgraphs/kit/config.ts";

const secret = process.env.INTERNAL_CONTEXT_SECRET;
if (!secret) {
  process.stderr.write(
    "context-keys: set INTERNAL_CONTEXT_SECRET (the gateway's) to derive the subgraphs' keys\n",
  );
  process.exit(1);
}
for (const name of Object.keys(SUBGRAPH_DEFAULT_PORTS) as SubgraphName[]) {
  process.stdout.write(
    `${name.toUpperCase()}_CONTEXT_KEY=${encodeContextKey(deriveContextKey(secret, name))}\n`,
  );
}
