import { fork } from "node:child_process";
import type { LoadReply, LoadRequest, LoadResult } from "./loadProtocol.ts";

export interface LoadClient {
  run(request: Omit<LoadRequest, "id">): Promise<LoadResult>;
  close(): void;
}

/** Forks the load generator (bench/load.ts) once; runs are sent to it one at a time. */
export function createLoadClient(): LoadClient {
  const child = fork(new URL("../load.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve(result: LoadResult): void; reject(error: Error): void }>();
  let nextId = 1;
  child.on("message", (reply: LoadReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if ("error" in reply) waiter.reject(new Error(`load generator: ${reply.error}`));
    else waiter.resolve(reply.result);
  });
  child.on("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load generator exited with ${code}`));
    pending.clear();
  });
  return {
    run: (request) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ ...request, id } satisfies LoadRequest);
      }),
    close: () => {
      child.disconnect();
      child.kill("SIGTERM");
    },
  };
}
