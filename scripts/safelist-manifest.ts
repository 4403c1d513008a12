// Writes schema/operations/manifest.json: the operations SAFELIST=on lets through. `--check` fails when it is stale.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildSafelistManifest, MANIFEST_FILE } from "../gateway/safelist/safelistManifest.ts";

const dir = process.env.SAFELIST_DIR || "schema/operations";
const path = join(dir, MANIFEST_FILE);
const text = `${JSON.stringify(await buildSafelistManifest(dir), null, 2)}\n`;

if (process.argv.includes("--check")) {
  const current = await readFile(path, "utf8").catch(() => "");
  if (current !== text) {
    process.stderr.write(`${path} is stale: run npm run safelist\n`);
    process.exit(1);
  }
  process.stdout.write(`${path} is current\n`);
} else {
  await writeFile(path, text);
  process.stdout.write(`wrote ${path}\n`);
}
