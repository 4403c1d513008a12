import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { getOperationAST, parse } from "graphql";

/** Apollo's persisted query manifest format, so Apollo/Rover tooling can read and produce it too. */
export interface SafelistManifest {
  format: "apollo-persisted-query-manifest";
  version: 1;
  operations: { id: string; name: string; type: "query" | "mutation" | "subscription"; body: string }[];
}

export const MANIFEST_FILE = "manifest.json";

/** The id is the APQ hash: sha256 of the exact text a client sends. */
export function operationId(body: string): string {
  return createHash("sha256").update(body).digest("hex");
}

/** One entry per `*.graphql` file in `dir` (one operation each), in file-name order. */
export async function buildSafelistManifest(dir: string): Promise<SafelistManifest> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".graphql")).sort();
  const operations: SafelistManifest["operations"] = [];
  for (const file of files) {
    const body = await readFile(join(dir, file), "utf8");
    const operation = getOperationAST(parse(body));
    if (!operation?.name) throw new Error(`${file}: needs exactly one named operation`);
    operations.push({ id: operationId(body), name: operation.name.value, type: operation.operation, body });
  }
  return { format: "apollo-persisted-query-manifest", version: 1, operations };
}

/** Read once at start (synchronously, like the rest of the configuration); a bad manifest stops the start. */
export function readSafelistManifest(dir: string): SafelistManifest {
  const path = join(dir, MANIFEST_FILE);
  let manifest: SafelistManifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as SafelistManifest;
  } catch (error) {
    throw new Error(
      `SAFELIST=on needs ${path} (generate it: npx tsx scripts/safelist-manifest.ts): ${(error as Error).message}`,
    );
  }
  if (manifest.format !== "apollo-persisted-query-manifest" || !Array.isArray(manifest.operations)) {
    throw new Error(`${path} is not a persisted query manifest`);
  }
  for (const operation of manifest.operations) {
    if (operationId(operation.body) !== operation.id)
      throw new Error(`${path}: ${operation.name} has a wrong id`);
  }
  return manifest;
}
