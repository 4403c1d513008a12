import { beforeAll, describe, expect, it } from "vitest";
import { apiSchemasOf, parseOperation } from "./apolloReference.ts";
import { differentialShaping } from "./differential.ts";
import { type CapturedShaping, captureGuildShaping, GUILD_QUERY, GUILD_SUPERGRAPH } from "./guildCapture.ts";

describe("shaping the Guild benchmark query", () => {
  let captured: CapturedShaping;
  beforeAll(async () => {
    captured = await captureGuildShaping();
  }, 60_000);

  it("answers byte for byte what Apollo Gateway answered for the raw data of a real plan execution", () => {
    const schemas = apiSchemasOf(GUILD_SUPERGRAPH);
    const { ours, apollo } = differentialShaping(schemas, parseOperation(GUILD_QUERY))(captured.input);
    const served = captured.answer as { data: unknown };
    expect(ours.data).toBe(JSON.stringify(served.data));
    expect(ours).toEqual(apollo);
    // The raw data carries __typename and key fields the query did not ask for; the answer must not.
    expect(JSON.stringify(captured.input)).toContain('"__typename"');
    expect(ours.data).not.toContain('"__typename"');
  });
});
