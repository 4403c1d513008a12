import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { type Caller, signCallerContext } from "../../subgraphs/kit/caller.ts";

export { signCallerContext };

/** A port nobody listens on right now (ask the OS). Prefer listening on port 0 where the server allows it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the free port"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** A Redis key prefix unique to this test run, so parallel runs sharing one Redis never see each other's keys. */
export function uniqueRedisPrefix(name: string): string {
  return `test:${name}:${process.pid}:${randomUUID().slice(0, 8)}:`;
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** Signs a caller context header value the way the gateway does. */
export function signTestContext(caller: Partial<Caller>, secret: string): string {
  return signCallerContext({ sub: "test", scopes: [], province: null, commune: null, ...caller }, secret);
}
