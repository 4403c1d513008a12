import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { readJson } from "../../../common/http/body.ts";
import { HttpError } from "../../../common/http/errors.ts";
import { createHttpServer, type HttpServer } from "../../../common/http/listen.ts";
import { sendGraphQLError, sendJson, sendProblem } from "../../../common/http/respond.ts";

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop(100)));
});

/** A server whose every request is answered by `handle`, on a free port. */
async function serve(handle: Parameters<typeof createHttpServer>[0]) {
  const server = createHttpServer(handle);
  servers.push(server);
  const { port, origin } = await server.listen(0, "127.0.0.1");
  return { server, port, origin };
}

/** Echoes the parsed JSON body, or renders the refusal the way the GraphQL edges do. */
const echoJson = (maxBytes: number) =>
  serve((req, res) => {
    readJson(req, maxBytes).then(
      (body) => sendJson(res, 200, { body: body ?? null }),
      (error: HttpError) => sendGraphQLError(res, error),
    );
  });

describe("body", () => {
  it("refuses a body over the limit with 413, naming the limit, and closes the connection", async () => {
    const { origin } = await echoJson(16);
    const response = await fetch(origin, { method: "POST", body: JSON.stringify({ text: "x".repeat(64) }) });
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "Request body exceeds the limit MAX_BODY_BYTES=16",
          extensions: { code: "BAD_REQUEST", limit: "MAX_BODY_BYTES", max: 16 },
        },
      ],
    });
  });

  it("refuses a streamed body without content-length once it passes the limit", async () => {
    const { origin } = await echoJson(16);
    const chunks = new ReadableStream({
      start(controller) {
        for (let k = 0; k < 8; k++) controller.enqueue(new TextEncoder().encode('"aaaaaaaa'));
        controller.close();
      },
    });
    const response = await fetch(origin, { method: "POST", body: chunks, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("answers 400 for malformed JSON and reads an empty body as absent", async () => {
    const { origin } = await echoJson(1024);
    const malformed = await fetch(origin, { method: "POST", body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const { errors } = (await malformed.json()) as { errors: { message: string }[] };
    expect(errors[0]!.message).toMatch(/^Request body is not valid JSON: /);

    const empty = await fetch(origin, { method: "POST" });
    expect(await empty.json()).toEqual({ body: null });
    const given = await fetch(origin, { method: "POST", body: '{"a":[1,2]}' });
    expect(await given.json()).toEqual({ body: { a: [1, 2] } });
  });
});

describe("respond", () => {
  it("writes a refusal as an RFC 9457 problem document with the status's title", async () => {
    const { origin } = await serve((_, res) =>
      sendProblem(res, new HttpError(404, "NOT_FOUND", "no record '7'", { headers: { "x-hint": "ids" } })),
    );
    const response = await fetch(origin);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(response.headers.get("x-hint")).toBe("ids");
    const text = await response.text();
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(text).toBe('{"type":"about:blank","title":"Not Found","status":404,"detail":"no record \'7\'"}');
  });
});

describe("listen and stop", () => {
  it("listens on port 0 and reports the real port and a usable origin", async () => {
    const { port, origin } = await serve((_, res) => sendJson(res, 200, { ok: true }));
    expect(port).toBeGreaterThan(0);
    expect(origin).toBe(`http://127.0.0.1:${port}`);
    expect(await (await fetch(`${origin}/anything`)).json()).toEqual({ ok: true });
  });

  it("reports a taken port as a rejected listen", async () => {
    const { port } = await serve((_, res) => sendJson(res, 200, {}));
    const second = createHttpServer(() => {});
    await expect(second.listen(port, "127.0.0.1")).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("lets a request in flight finish, closes its keep-alive connection, then refuses new ones", async () => {
    const { server, port, origin } = await serve((_, res) => {
      setTimeout(() => sendJson(res, 200, { stopping: server.stopping }), 200);
    });
    // A plain keep-alive request: the connection would stay open for 65 s if stop did not close it.
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      httpRequest({ port, host: "127.0.0.1", path: "/", headers: { connection: "keep-alive" } }, (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      })
        .on("error", reject)
        .end();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedStop = Date.now();
    await server.stop(5_000);
    const stopMs = Date.now() - startedStop;

    expect(await inFlight).toMatchObject({ status: 200, body: '{"stopping":true}' });
    expect(stopMs).toBeGreaterThanOrEqual(100);
    expect(stopMs).toBeLessThan(2_000);
    await expect(fetch(origin)).rejects.toThrow();
  });

  it("cuts a request that outlives the grace period", async () => {
    const { server, origin } = await serve(() => {});
    const hanging = fetch(origin);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedStop = Date.now();
    await server.stop(200);
    expect(Date.now() - startedStop).toBeLessThan(1_000);
    await expect(hanging).rejects.toThrow();
  });
});
