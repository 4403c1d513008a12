// Differential test of our query-plan executor against Apollo Gateway's (EXECUTOR=own vs EXECUTOR=apollo): every
// query of every suite of The Guild's federation-gateway-audit goes to two otherwise identical gateways, and the
// answers (status and body) are compared byte for byte; the audit's expectation says which side is right.
//
//   npx tsx scripts/executorDifferential.ts [--suite name]... [--verbose]
//
// The audit is installed once into AUDIT_HOME, as ../shared/federation-audit/run.sh installs it; its server and the
// gateways run on free loopback ports; each executor's gateway has an audit server of its own (fresh subgraph
// state for the mutation suites). Prints one line per difference and, last,
// "executor differential: N queries compared, D differ (apollo right: a, own right: b, neither: c)".
// Exits 1 when our executor is the wrong side of any difference ("apollo right"; "neither" is reported without
// failing the run, the audit condemning both answers), 2 when the harness itself could not run. Progress per suite
// goes to stderr.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createProcessGroup } from "../bench/harness/processes.ts";
import { describeDifference } from "./executorDifferential/answerDiff.ts";
import { auditHome, ensureAuditInstalled } from "./executorDifferential/auditInstall.ts";
import { startAuditServer } from "./executorDifferential/auditServer.ts";
import { EXECUTORS } from "./executorDifferential/executorPair.ts";
import { type Difference, runSuite, type Verdict } from "./executorDifferential/suiteRun.ts";

const VERBOSE_BODY_CHARS = 4000;

const { values } = parseArgs({
  options: { suite: { type: "string", multiple: true }, verbose: { type: "boolean", default: false } },
});

function report(difference: Difference, verbose: boolean) {
  const oracle = difference.bothMeetAudit ? " (both meet the audit; apollo is the oracle)" : "";
  console.log(
    `${difference.suite} #${difference.index}: ${difference.verdict}${oracle}: ${describeDifference(difference.apollo, difference.own)}`,
  );
  if (!verbose) return;
  const clip = (text: string) =>
    text.length > VERBOSE_BODY_CHARS ? `${text.slice(0, VERBOSE_BODY_CHARS)}…` : text;
  console.log(`  query: ${difference.query.trim().replace(/\s+/g, " ")}`);
  console.log(`  apollo ${difference.apollo.status}: ${clip(difference.apollo.body)}`);
  console.log(`  own    ${difference.own.status}: ${clip(difference.own.body)}`);
}

const processes = createProcessGroup();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void processes.stopAll().finally(() => process.exit(130));
  });
}

const workDir = mkdtempSync(join(tmpdir(), "executor-differential-"));
const counts: Record<Verdict, number> = { "apollo right": 0, "own right": 0, neither: 0 };
let compared = 0;
let differing = 0;
try {
  const home = auditHome();
  const { polyfill } = ensureAuditInstalled(home, (line) => console.error(line));
  const [apolloAudit, ownAudit] = await Promise.all(
    EXECUTORS.map(() => startAuditServer(home, polyfill, processes)),
  );
  const audits = { apollo: apolloAudit!, own: ownAudit! };
  const known = await audits.apollo.suites();
  const suites = values.suite ?? known;
  const unknown = suites.filter((suite) => !known.includes(suite));
  if (unknown.length > 0)
    throw new Error(`no such audit suite: ${unknown.join(", ")} (known: ${known.join(" ")})`);
  for (const suite of suites) {
    const result = await runSuite(suite, { audits, processes, workDir });
    console.error(`${suite}: ${result.compared} compared, ${result.differences.length} differ`);
    compared += result.compared;
    differing += result.differences.length;
    for (const difference of result.differences) {
      counts[difference.verdict]++;
      report(difference, values.verbose);
    }
  }
} catch (error) {
  console.error(`executor differential could not run: ${(error as Error).stack ?? error}`);
  process.exitCode = 2;
} finally {
  await processes.stopAll();
  rmSync(workDir, { recursive: true, force: true });
}
if (process.exitCode !== 2) {
  console.log(
    `executor differential: ${compared} queries compared, ${differing} differ (apollo right: ${counts["apollo right"]}, own right: ${counts["own right"]}, neither: ${counts.neither})`,
  );
  if (counts["apollo right"] > 0) process.exitCode = 1;
}
