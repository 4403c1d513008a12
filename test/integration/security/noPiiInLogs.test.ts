// No personal data in logs: the whole stack as `npm start` runs it (sandbox, four subgraphs, gateway as separate
// processes, every log stream captured), asked for a citizen's full profile with a full-scope token.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signToken } from "../../../gateway/authentication/signToken.ts";
import { freePort } from "../../support/index.ts";

const JWT_SECRET = "no-pii-suite-jwt-secret-of-32-bytes-at-least";
const SUBGRAPHS = ["population", "business", "procedures", "reporting"] as const;

interface CitizenRecord {
  id: string;
  fullName: string;
  dateOfBirth: string;
  householdId: string | null;
}

let stack: ChildProcess;
let output = "";
let dir: string;
let gatewayUrl: string;
let sandboxUrl: string;

async function waitFor(url: string, init: RequestInit, deadline: number) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up:\n${output.slice(-3000)}`);
}

beforeAll(async () => {
  const ports = {
    SANDBOX_PORT: await freePort(),
    POPULATION_PORT: await freePort(),
    BUSINESS_PORT: await freePort(),
    PROCEDURES_PORT: await freePort(),
    REPORTING_PORT: await freePort(),
    GATEWAY_PORT: await freePort(),
  };
  const composed = composeServices(
    await Promise.all(
      SUBGRAPHS.map(async (name) => ({
        name,
        url: `http://127.0.0.1:${ports[`${name.toUpperCase()}_PORT` as keyof typeof ports]}/graphql`,
        typeDefs: parse(
          await readFile(new URL(`../../../subgraphs/${name}/schema.graphql`, import.meta.url), "utf8"),
        ),
      })),
    ),
  );
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  dir = await mkdtemp(join(tmpdir(), "lienthong-nopii-"));
  await writeFile(join(dir, "supergraph.graphql"), composed.supergraphSdl);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([key, port]) => [key, String(port)])),
    SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
    AUTH_JWT_SECRET: JWT_SECRET,
    INTERNAL_CONTEXT_SECRET: "no-pii-suite-internal-context-secret",
    // As chatty as the processes get: anything a debug line might carry is in scope.
    LOG_LEVEL: "debug",
  };
  delete env.REDIS_URL;
  stack = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: new URL("../../../", import.meta.url),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  stack.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  stack.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  sandboxUrl = `http://127.0.0.1:${ports.SANDBOX_PORT}`;
  gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
  await waitFor(`http://127.0.0.1:${ports.GATEWAY_PORT}/health`, {}, Date.now() + 100_000);
}, 120_000);

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack.once("exit", resolve));
    stack.kill("SIGTERM");
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

async function platform<T>(path: string): Promise<T> {
  return (await (await fetch(`${sandboxUrl}${path}`)).json()) as T;
}

it("runs CitizenProfile with a full-scope token and no process logs the citizen's id, name or birth date", async () => {
  // A resident of Nghệ An with dossiers, so every part of the profile has personal data to (not) log.
  const dossiers = await platform<{ items: { applicant: { kind: string; id: string } }[] }>(
    "/procedures/v1/dossiers?province=40&limit=50",
  );
  const applicantId = dossiers.items.find((d) => d.applicant.kind === "CITIZEN")!.applicant.id;
  const citizen = await platform<CitizenRecord>(`/population/v1/citizens/${applicantId}`);
  const operation = await readFile(
    new URL("../../../schema/operations/CitizenProfile.graphql", import.meta.url),
    "utf8",
  );
  const token = await signToken(
    { sub: "ioc-officer-7", scopes: ["population:read", "population:pii", "dossier:read"] },
    { secret: JWT_SECRET, ttl: "5m" },
  );
  const outsider = await signToken(
    { sub: "ioc-officer-8", scopes: ["population:read", "dossier:read"], province: "01" },
    { secret: JWT_SECRET, ttl: "5m" },
  );
  const ask = (bearer: string) =>
    fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({
        query: operation,
        variables: { id: citizen.id },
        operationName: "CitizenProfile",
      }),
    });

  const response = await ask(token);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    data: {
      citizen: {
        fullName: string;
        dateOfBirth: string;
        household: { members: { fullName: string }[] } | null;
      };
    };
    errors?: unknown[];
  };
  expect(body.errors).toBeUndefined();
  expect(body.data.citizen).toMatchObject({ fullName: citizen.fullName, dateOfBirth: citizen.dateOfBirth });
  // The refused path (another province's officer) logs too, and must not leak either.
  expect((await ask(outsider)).status).toBe(200);

  // Give the processes a moment to flush their request lines, then read everything they wrote.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(output).toMatch(/graphql request/);
  // Every process's stream is in there (start.ts prefixes each line with its name).
  for (const name of ["sandbox", ...SUBGRAPHS, "gateway"])
    expect(output).toMatch(new RegExp(`^${name} +\\| `, "m"));
  const members = body.data.citizen.household?.members.map((m) => m.fullName) ?? [];
  for (const secret of [citizen.id, citizen.fullName, citizen.dateOfBirth, ...members]) {
    expect(output).not.toContain(secret);
  }
  expect(output).not.toContain(token);
}, 60_000);
