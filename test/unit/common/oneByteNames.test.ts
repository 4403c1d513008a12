import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const probe = fileURLToPath(new URL("./oneByteNames.probe.ts", import.meta.url));

/** V8's description of the answer string: `[String]: "…` (`c"` when concatenated) is one byte per character, `u"` two. */
function answerAfterLoading(mode: "gateway" | "subgraph"): string {
  return execFileSync("node", ["--allow-natives-syntax", "--import", "tsx", probe, mode], {
    encoding: "utf8",
  });
}

const ONE_BYTE = /\[String\]( in \w+)?: c?"\{"data":\{"province"/;

// Whether a string is one- or two-byte is invisible to JavaScript, yet encoding a two-byte answer costs several
// times more CPU; V8's %DebugPrint is the one place that shows it. Without interning, the gateway's answers were
// two-byte (bench/PROFILES.md); in a short probe that holds nothing else, a garbage collection may drop Apollo's
// two-byte copies first, so that side is not asserted here.
describe("schema names stay one-byte strings", () => {
  it("an ASCII answer keyed by the supergraph's fields is one byte per character once the gateway loaded it", () => {
    expect(answerAfterLoading("gateway")).toMatch(ONE_BYTE);
  });

  it("so is one keyed by a subgraph's fields, though its SDL file holds Vietnamese text", () => {
    expect(answerAfterLoading("subgraph")).toMatch(ONE_BYTE);
  });
});
