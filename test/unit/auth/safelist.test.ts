import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GraphQLRequest } from "@apollo/server";
import { GraphQLError } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildSafelistManifest,
  MANIFEST_FILE,
  operationId,
  readSafelistManifest,
} from "../../../gateway/auth/safelistManifest.ts";
import { createSafelistPlugin } from "../../../gateway/plugins/safelist.ts";

const QUERY = "query Hello { provinces { code } }\n";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "safelist-"));
  await writeFile(join(dir, "Hello.graphql"), QUERY);
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(await buildSafelistManifest(dir)));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function send(request: GraphQLRequest): Promise<GraphQLRequest> {
  const plugin = createSafelistPlugin(readSafelistManifest(dir));
  await plugin.requestDidStart?.({ request } as never);
  return request;
}

async function refusedWith(request: GraphQLRequest): Promise<string> {
  const error = await send(request).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  expect((error as GraphQLError).extensions.http).toEqual({ status: 400 });
  return String((error as GraphQLError).extensions.code);
}

describe("safelist", () => {
  it("lists every operation file under its APQ hash", () => {
    const manifest = readSafelistManifest(dir);
    expect(manifest.operations).toEqual([
      { id: operationId(QUERY), name: "Hello", type: "query", body: QUERY },
    ]);
  });

  it("runs a listed operation sent by hash alone, or by its exact text", async () => {
    const byHash = await send({
      extensions: { persistedQuery: { version: 1, sha256Hash: operationId(QUERY) } },
    });
    expect(byHash.query).toBe(QUERY);
    await expect(send({ query: QUERY })).resolves.toMatchObject({ query: QUERY });
  });

  it("refuses anything else before it is parsed", async () => {
    expect(await refusedWith({ query: "{ provinces { code name } }" })).toBe("OPERATION_NOT_ALLOWED");
    expect(await refusedWith({ query: `${QUERY} ` })).toBe("OPERATION_NOT_ALLOWED");
    expect(
      await refusedWith({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }),
    ).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("stops the start when the manifest is missing or tampered with", async () => {
    expect(() => readSafelistManifest(join(dir, "nowhere"))).toThrow(/safelist-manifest\.ts/);
    const tampered = join(dir, "tampered");
    await mkdir(tampered);
    const manifest = await buildSafelistManifest(dir);
    manifest.operations[0]!.body = "{ __schema { types { name } } }";
    await writeFile(join(tampered, MANIFEST_FILE), JSON.stringify(manifest));
    expect(() => readSafelistManifest(tampered)).toThrow(/wrong id/);
  });
});
