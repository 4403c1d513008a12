// One audit suite through both executors. Each executor has its own audit server, so the suites that keep state in
// their subgraphs (mutations: a category added once per request id, running totals) see the same fresh state on
// both sides; the cases, random request ids included, are read once and sent to both.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProcessGroup } from "../../bench/harness/processes.ts";
import { type Answer, postQuery, sameAnswer } from "./answer.ts";
import { meetsAuditExpectation } from "./auditExpectation.ts";
import type { AuditServer } from "./auditServer.ts";
import { EXECUTORS, type ExecutorId, startExecutorPair } from "./executorPair.ts";

/**
 * Who the audit sides with when the answers differ. When both meet its expectation it cannot decide, and Apollo's
 * executor, the oracle, is right.
 */
export type Verdict = "apollo right" | "own right" | "neither";

export interface Difference {
  suite: string;
  index: number;
  query: string;
  verdict: Verdict;
  /** True when both answers meet the audit's expectation (the verdict is then the oracle's). */
  bothMeetAudit: boolean;
  apollo: Answer;
  own: Answer;
}

export interface SuiteResult {
  compared: number;
  differences: Difference[];
}

function verdictOf(apolloMeets: boolean, ownMeets: boolean): Verdict {
  if (ownMeets && !apolloMeets) return "own right";
  return apolloMeets ? "apollo right" : "neither";
}

export async function runSuite(
  suite: string,
  deps: { audits: Record<ExecutorId, AuditServer>; processes: ProcessGroup; workDir: string },
): Promise<SuiteResult> {
  const supergraphPaths = {} as Record<ExecutorId, string>;
  for (const executor of EXECUTORS) {
    supergraphPaths[executor] = join(deps.workDir, `${suite}.${executor}.graphql`);
    writeFileSync(supergraphPaths[executor], await deps.audits[executor].supergraph(suite));
  }
  const cases = await deps.audits.apollo.cases(suite);
  const pair = await startExecutorPair(supergraphPaths, deps.processes);
  try {
    const differences: Difference[] = [];
    for (const [index, { query, expected }] of cases.entries()) {
      const [apollo, own] = await Promise.all([
        postQuery(pair.apollo.url, { query }),
        postQuery(pair.own.url, { query }),
      ]);
      if (sameAnswer(apollo, own)) continue;
      const [apolloMeets, ownMeets] = [
        meetsAuditExpectation(apollo, expected),
        meetsAuditExpectation(own, expected),
      ];
      differences.push({
        suite,
        index,
        query,
        verdict: verdictOf(apolloMeets, ownMeets),
        bothMeetAudit: apolloMeets && ownMeets,
        apollo,
        own,
      });
    }
    return { compared: cases.length, differences };
  } finally {
    await pair.stop();
  }
}
