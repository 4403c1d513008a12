import { describe, expect, it } from "vitest";
import { GATEWAY_V8_FLAGS, missingV8Flags } from "../../../gateway/v8Flags.ts";

describe("the gateway's V8 flags", () => {
  it("are missing when the process was started with neither the flags nor NODE_OPTIONS", () => {
    expect(missingV8Flags(["--import", "tsx"], undefined)).toEqual([...GATEWAY_V8_FLAGS]);
  });

  it("count as given on the command line, in NODE_OPTIONS, or with V8's underscores, whatever the value", () => {
    expect(missingV8Flags([...GATEWAY_V8_FLAGS, "--import", "tsx"], undefined)).toEqual([]);
    expect(missingV8Flags([], `--enable-source-maps ${GATEWAY_V8_FLAGS.join(" ")}`)).toEqual([]);
    expect(missingV8Flags(["--max_semi_space_size=32"], undefined)).toEqual([]);
  });
});
