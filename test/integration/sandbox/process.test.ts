import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startSandbox } from "./client.ts";

/** The sandbox as a real process (`tsx sandbox/index.ts`), next to an in-process one. */
let child: ChildProcess;
let processUrl: string;
let startupMs: number;
let inProcess: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  const started = performance.now();
  const entry = fileURLToPath(new URL("../../../sandbox/index.ts", import.meta.url));
  child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { ...process.env, SANDBOX_PORT: "0", SANDBOX_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  processUrl = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`sandbox exited with ${code}: ${output}`)));
  });
  expect((await client(processUrl).get("/health")).body).toEqual({ status: "ok" });
  startupMs = performance.now() - started;
  inProcess = await startSandbox();
});

afterAll(async () => {
  child?.kill("SIGTERM");
  await inProcess?.sandbox.stop();
});

describe("the sandbox process", () => {
  it("answers /health within 5 s of starting", () => {
    console.log(`sandbox start-up (process start → /health answered): ${Math.round(startupMs)} ms`);
    expect(startupMs).toBeLessThan(5_000);
  });

  it("serves the same records as another instance (determinism across restarts)", async () => {
    const theirs = client(processUrl);
    const listing = (await inProcess.get("/population/v1/citizens?commune=16681&limit=200")).body;
    const ids = listing.items.map((c: { id: string }) => c.id);
    const paths = [
      "/population/v1/citizens?commune=16681&limit=200",
      `/population/v1/citizens?ids=${ids.slice(0, 100).join(",")}`,
      "/business/v1/enterprises?province=79&limit=200",
      "/business/v1/enterprises?province=01&industry=4101&limit=50",
      "/procedures/v1/dossiers?commune=16681&limit=200",
      "/procedures/v1/stats?provinces=01,40,79",
      "/population/v1/stats?provinces=01,40,79",
      "/business/v1/stats?provinces=01,40,79",
      "/reporting/v1/tasks?province=01&limit=500",
      "/reporting/v1/service-index?year=2025",
      "/reporting/v1/indicators?provinces=01,40",
    ];
    for (const path of paths) {
      const [mine, other] = await Promise.all([inProcess.get(path), theirs.get(path)]);
      expect(mine.status, path).toBe(200);
      expect(other.body, path).toEqual(mine.body);
    }
  });

  it("stays under 300 MB after a warm-up over the dashboard's requests", async () => {
    const { get } = client(processUrl);
    const provinces = (await get("/reporting/v1/provinces")).body.items.map((p: { code: string }) => p.code);
    let requests = 0;
    for (const province of provinces) {
      const communes = (await get(`/reporting/v1/communes?provinces=${province}`)).body.items.map(
        (c: { code: string }) => c.code,
      );
      const joined = communes.join(",");
      await Promise.all([
        get(`/population/v1/stats?communes=${joined}`),
        get(`/business/v1/stats?communes=${joined}`),
        get(`/procedures/v1/stats?communes=${joined}&from=2025-01-01&to=2025-11-13`),
        get(`/procedures/v1/stats?provinces=${province}`),
      ]);
      const pages = Array.from({ length: 60 }, (_, k) => {
        const commune = communes[k % communes.length];
        return k % 2 === 0
          ? `/population/v1/citizens?commune=${commune}&limit=100&cursor=${Buffer.from(`o:${k * 100}`).toString("base64url")}`
          : `/procedures/v1/dossiers?commune=${commune}&limit=50`;
      });
      for (let k = 0; k < pages.length; k += 20) await Promise.all(pages.slice(k, k + 20).map(get));
      requests += pages.length;
      requests += 5;
    }
    const rssMb =
      Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024;
    console.log(
      `sandbox RSS after ${requests} requests (every commune's stats warmed): ${rssMb.toFixed(0)} MB`,
    );
    expect(rssMb).toBeLessThan(300);
  });
});
