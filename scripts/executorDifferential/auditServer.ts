// The federation audit's own server (its `serve`: every suite's subgraphs, `/<suite>/supergraph`, `/<suite>/tests`)
// as a child process on a free port. Supergraphs name their subgraphs by the origin they were asked on, so asking
// this server on 127.0.0.1:<its port> gives subgraph URLs that reach it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../bench/harness/ports.ts";
import type { ProcessGroup } from "../../bench/harness/processes.ts";

/** One case of a suite, as the audit's `createTest(query, expected)` made it. */
export interface AuditCase {
  query: string;
  expected: { data?: unknown; errors?: boolean };
}

export interface AuditServer {
  suites(): Promise<string[]>;
  supergraph(suite: string): Promise<string>;
  cases(suite: string): Promise<AuditCase[]>;
  stop(): Promise<void>;
}

// The CLI's `serve` command passes its port to this very function; our process runner takes no script arguments,
// so a two-line entry point in AUDIT_HOME reads it from the environment instead.
const ENTRY = `import { serve } from "./src/index.ts";\nawait serve(Number(process.env.AUDIT_PORT));\n`;

export async function startAuditServer(
  home: string,
  polyfill: string,
  processes: ProcessGroup,
): Promise<AuditServer> {
  const entry = join(home, "serveOnPort.ts");
  writeFileSync(entry, ENTRY);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await processes.start({
    name: "federation audit server",
    script: entry,
    nodeArgs: ["--require", polyfill],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, AUDIT_PORT: String(port) },
    readyUrl: `${origin}/_health`,
    startTimeoutMs: 120_000,
  });
  async function get(path: string): Promise<Response> {
    const response = await fetch(`${origin}${path}`, { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`audit server: GET ${path} answered ${response.status}`);
    return response;
  }
  return {
    suites: async () => (await (await get("/ids")).json()) as string[],
    supergraph: async (suite) => (await get(`/${suite}/supergraph`)).text(),
    cases: async (suite) => (await (await get(`/${suite}/tests`)).json()) as AuditCase[],
    stop: () => server.stop(),
  };
}
