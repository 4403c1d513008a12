import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GATEWAY_IDS, GATEWAYS } from "../../../bench/harness/gateways.ts";
import { smokeCells } from "../../../bench/harness/plan.ts";
import type { RunRecord } from "../../../bench/harness/report.ts";
import { WORKLOAD_IDS, WORKLOADS } from "../../../bench/harness/workloads.ts";

// The harness itself, end to end, in its shortest mode: proves every variant and every workload still runs (and the peers, the Guild
// subgraphs, the sandbox and every configuration of our gateway still start), CPU is read for every cell, the cold
// cells measure a floor and the polling cell counts refreshes, without ever asserting a timing.
const resultsDir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--smoke", "--results-dir", resultsDir],
      { cwd: new URL("../../../", import.meta.url).pathname, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run bench -- --smoke", () => {
  it("prints a table with every cell of every variant, all without errors, and writes the run's JSON", async () => {
    const { code, stdout, stderr } = await runSmoke();
    const files = readdirSync(resultsDir).filter((name) => name.endsWith("-smoke.json"));
    expect(files, `${stdout}\n${stderr}`).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(resultsDir, files[0]!), "utf8")) as RunRecord;

    const cells = record.results.map((cell) => `${cell.workload} × ${cell.gateway}`);
    const planned = smokeCells(GATEWAY_IDS, WORKLOAD_IDS).map((c) => `${c.workload} × ${c.gateway}`);
    expect(cells.sort()).toEqual(planned.sort());
    const notOk = record.results.filter((cell) => cell.status !== "ok");
    expect(notOk.map((cell) => `${cell.workload} × ${cell.gateway}: ${cell.status} ${cell.note}`)).toEqual(
      [],
    );
    for (const cell of record.results) {
      const name = `${cell.workload} × ${cell.gateway}`;
      expect(cell.requests, name).toBeGreaterThan(0);
      expect(cell.latencyMs, name).not.toBeNull();
      expect(cell.cpuMsPerRequest, name).toBeGreaterThan(0);
      expect(cell.runs, name).toHaveLength(1);
      if (WORKLOADS[cell.workload].stack === "platform")
        expect(cell.platformRequestsPerOperation, name).not.toBeNull();
      if (cell.mode === "cold") expect(cell.platformFloorMs, name).toBeGreaterThan(0);
    }
    const poll = record.results.find((cell) => cell.mode === "poll")?.poll;
    expect(poll?.fetchesPerRound).toBeGreaterThan(0);
    expect(poll?.subgraphFetches).toBeGreaterThan(0);
    expect(poll?.slotLatencyMs.length).toBe(poll?.expiries);

    for (const workload of WORKLOAD_IDS) expect(stdout).toContain(WORKLOADS[workload].title);
    for (const gateway of GATEWAY_IDS) expect(stdout).toContain(GATEWAYS[gateway].label);
    expect(code).toBe(0);
  }, 600_000);
});
