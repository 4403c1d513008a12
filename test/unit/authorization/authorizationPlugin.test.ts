import { type DocumentNode, parse, print } from "graphql";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { createFieldAuthorizationPlugin } from "../../../gateway/authorization/authorizationPlugin.ts";
import { caller, composeFixture } from "./fixture.ts";

const { supergraphSdl, apiSchema } = composeFixture();
const QUERY = "query Who { citizen(id: 1) { fullName id } }";

interface FakeRequestContext {
  schema: typeof apiSchema;
  document: DocumentNode;
  queryHash: string;
  operationName: string;
  request: { variables: Record<string, unknown> };
  contextValue: { caller: Caller };
  response: { body: { kind: "single"; singleResult: { data?: unknown; errors?: unknown[] } } };
}

async function startedPlugin(loadSchema = true) {
  const plugin = createFieldAuthorizationPlugin({ logger: pino({ level: "silent" }) });
  const listener = await plugin.serverWillStart?.({} as never);
  if (loadSchema) listener?.schemaDidLoadOrUpdate?.({ apiSchema, coreSupergraphSdl: supergraphSdl });
  return plugin;
}

async function resolveAs(plugin: Awaited<ReturnType<typeof startedPlugin>>, who: Caller) {
  const requestContext: FakeRequestContext = {
    schema: apiSchema,
    document: parse(QUERY),
    queryHash: "hash-of-the-text",
    operationName: "Who",
    request: { variables: {} },
    contextValue: { caller: who },
    response: { body: { kind: "single", singleResult: {} } },
  };
  const hooks = await plugin.requestDidStart?.(requestContext as never);
  await hooks?.didResolveOperation?.(requestContext as never);
  return { requestContext, hooks };
}

describe("the field authorization plugin", () => {
  it("gives a trimmed document its own query hash, so the plan cache never mixes shapes", async () => {
    const plugin = await startedPlugin();
    const full = await resolveAs(plugin, caller(["population:read", "population:pii"]));
    const narrow = await resolveAs(plugin, caller(["population:read"]));
    expect(full.requestContext.queryHash).toBe("hash-of-the-text");
    expect(print(full.requestContext.document)).toContain("id");
    expect(narrow.requestContext.queryHash).not.toBe("hash-of-the-text");
    expect(print(narrow.requestContext.document)).not.toMatch(/\bid\b(?!:)/);
    const otherNarrow = await resolveAs(plugin, caller(["population:read"], { sub: "someone-else" }));
    expect(otherNarrow.requestContext.queryHash).toBe(narrow.requestContext.queryHash);
  });

  it("puts the removed fields back as nulls with their errors before the response leaves", async () => {
    const plugin = await startedPlugin();
    const narrow = await resolveAs(plugin, caller(["population:read"]));
    narrow.requestContext.response.body.singleResult = { data: { citizen: { fullName: "Nguyễn Văn A" } } };
    await narrow.hooks?.willSendResponse?.(narrow.requestContext as never);
    expect(narrow.requestContext.response.body.singleResult).toEqual({
      data: { citizen: null },
      errors: [
        {
          message: expect.stringMatching(/Citizen\.id requires/),
          path: ["citizen", "id"],
          extensions: { code: "UNAUTHORIZED" },
        },
      ],
    });
  });

  it("fails closed while no supergraph has been loaded", async () => {
    const plugin = await startedPlugin(false);
    await expect(resolveAs(plugin, caller(["population:read"]))).rejects.toThrow(/not loaded/);
  });
});
