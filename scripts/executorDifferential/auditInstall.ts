// The federation audit installed where ../shared/federation-audit/run.sh installs it (AUDIT_HOME, by default
// $TMPDIR/federation-audit), keyed by the same snapshot checksum, so this script and run.sh share one install.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const AUDIT_SNAPSHOT = new URL("../../../shared/federation-audit/suite/", import.meta.url).pathname;

export function auditHome(): string {
  return process.env.AUDIT_HOME ?? join(process.env.TMPDIR ?? tmpdir(), "federation-audit");
}

// run.sh's own pipeline, run as is: any other checksum would make the two tools reinstall over each other.
function snapshotChecksum(): string {
  return execFileSync(
    "bash",
    ["-c", "find . -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12"],
    { cwd: AUDIT_SNAPSHOT, encoding: "utf8" },
  ).trim();
}

// Node 20 lacks Promise.withResolvers, which the audit's server uses (run.sh writes the same file).
const POLYFILL = `Promise.withResolvers ??= function () { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };\n`;

/** Installs the audit into AUDIT_HOME when it is missing or stale; returns the path of its polyfill to `--require`. */
export function ensureAuditInstalled(home: string, log: (line: string) => void): { polyfill: string } {
  const checksum = snapshotChecksum();
  const marker = join(home, ".snapshot");
  if (!existsSync(marker) || readFileSync(marker, "utf8").trim() !== checksum) {
    log(`installing the federation audit into ${home} (npm install, once)`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    cpSync(AUDIT_SNAPSHOT, home, { recursive: true });
    execFileSync("chmod", ["-R", "u+w", home]);
    try {
      const output = execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd: home,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      writeFileSync(join(home, "install.log"), output);
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      writeFileSync(join(home, "install.log"), `${failure.stdout ?? ""}${failure.stderr ?? ""}`);
      throw new Error(`npm install of the audit failed: ${join(home, "install.log")}`);
    }
    writeFileSync(marker, `${checksum}\n`);
  }
  const polyfill = join(home, "polyfill.cjs");
  writeFileSync(polyfill, POLYFILL);
  return { polyfill };
}
