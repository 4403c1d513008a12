import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createErrorFormatter } from "../../../gateway/http/formatError.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";

const format = createErrorFormatter({ logger: createLogger({ log: { level: "silent" } }), rewrites: [] });

describe("error masking", () => {
  it("keeps product codes and their messages, without internal extensions", () => {
    expect(
      format({
        message: "Citizen id must have 12 digits",
        extensions: { code: "BAD_USER_INPUT", stacktrace: ["at x"], serviceName: "population" },
      }),
    ).toEqual({ message: "Citizen id must have 12 digits", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("keeps the client's own request errors from the gateway", () => {
    const validation = {
      message: 'Cannot query field "nope" on type "Query".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    };
    expect(format(validation)).toEqual(validation);
  });

  it("masks unknown codes, internal errors and a subgraph's request errors", () => {
    for (const error of [
      { message: "connect ECONNREFUSED 10.0.0.5:5432", extensions: { code: "INTERNAL_SERVER_ERROR" } },
      {
        message: "Cannot query field _secret",
        extensions: { code: "GRAPHQL_VALIDATION_FAILED", serviceName: "business" },
      },
      { message: "TypeError: x is undefined", extensions: { code: "DOWNSTREAM_SERVICE_ERROR" } },
      { message: "no code at all" },
    ]) {
      expect(format({ ...error, path: ["a"] })).toEqual({
        message: "Internal server error",
        path: ["a"],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      });
    }
  });
});

describe("the masked error's log line", () => {
  it("keeps the message for operators but not the personal numbers in it", () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    const logged = createErrorFormatter({
      logger: createLogger({ log: { level: "info" } }, sink),
      rewrites: [],
    });
    logged({
      message: "no household row for citizen 001234567890",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(written.join("")).toContain("no household row for citizen [number]");
    expect(written.join("")).not.toContain("001234567890");
  });
});
