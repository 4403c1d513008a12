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
} from "../../../gateway/safelist/safelistManifest.ts";
import { createSafelistPlugin } from "../../../gateway/safelist/safelistPlugin.ts";

const QUERY = "query Hello { provinces { code } }\n";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "safelist-"));
  await writeFile(join(dir, "Hello.graphql"), QUERY);
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(await buildSafelistManifest(dir)));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the plugin's hooks the way Apollo Server does; resolves to the request as it goes on, or rejects. */
async function send(request: GraphQLRequest): Promise<GraphQLRequest> {
  const plugin = createSafelistPlugin(readSafelistManifest(dir));
  const hooks = await plugin.requestDidStart?.({ request } as never);
  await hooks?.didResolveOperation?.({ source: request.query } as never);
  return request;
}

async function refused(request: GraphQLRequest): Promise<GraphQLError> {
  const error = await send(request).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

describe("safelist", () => {
  it("the checked-in manifest lists exactly schema/operations (else: npx tsx scripts/safelist-manifest.ts)", async () => {
    const operations = new URL("../../../schema/operations/", import.meta.url).pathname;
    expect(readSafelistManifest(operations)).toEqual(await buildSafelistManifest(operations));
  });

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

  it("refuses any other text with 400 OPERATION_NOT_ALLOWED", async () => {
    for (const query of ["{ provinces { code name } }", `${QUERY} `, "{ __schema { types { name } } }"]) {
      const error = await refused({ query });
      expect(error.extensions).toEqual({ code: "OPERATION_NOT_ALLOWED", http: { status: 400 } });
    }
  });

  it("leaves a hash outside the manifest to Apollo (PERSISTED_QUERY_NOT_FOUND, sent as 400)", async () => {
    const request: GraphQLRequest = {
      extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } },
    };
    await createSafelistPlugin(readSafelistManifest(dir)).requestDidStart?.({ request } as never);
    expect(request).toEqual({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } });
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
