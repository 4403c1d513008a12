// A request answered by another's execution (the dedup plugin's path: APQ, GET, batches) holds the same entities, so a
// CDN purging by tag must find it too: it carries the leader's Cache-Tag and Surrogate-Key.
import { ApolloServer } from "@apollo/server";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { createGatewayContext, type GatewayContext } from "../../../gateway/context.ts";
import { createInboundDedupPlugin } from "../../../gateway/dedup/inboundDedup.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { createCacheControlHeaderPlugin } from "../../../gateway/responseCache/cacheControlHeader.ts";
import { anonymous } from "../../support/responseCacheAndDedup.ts";

const logger = pino({ level: "silent" });

const typeDefs = `#graphql
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT
  type Query { province(code: ID!): String @cacheControl(maxAge: 60) }
`;

describe("dedup followers and cache tags", () => {
  let stop: () => Promise<void> = async () => {};
  afterEach(() => stop());

  it("gives every follower the leader's Cache-Tag and Surrogate-Key", async () => {
    const metrics = createGatewayMetrics();
    let executions = 0;
    const server = new ApolloServer<GatewayContext>({
      typeDefs,
      resolvers: {
        Query: {
          // What the fetch pipeline's tag step does for each subgraph answer.
          province: async (_: unknown, { code }: { code: string }, context: GatewayContext) => {
            executions += 1;
            await new Promise((resolve) => setTimeout(resolve, 50));
            context.cacheTags.add(`province:${code}`);
            return `province ${code}`;
          },
        },
      },
      plugins: [
        createCacheControlHeaderPlugin(),
        createInboundDedupPlugin({ version: createCacheVersion({}), metrics, maxWaitMs: 5000 }),
      ],
    });
    stop = () => server.stop();
    const answers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const contextValue = createGatewayContext({ requestId: "r", caller: anonymous, logger });
        const response = await server.executeOperation(
          { query: '{ province(code: "40") }' },
          { contextValue },
        );
        return { headers: response.http.headers, dedup: contextValue.cacheOutcomes.dedup };
      }),
    );
    expect(executions).toBe(1);
    expect(answers.filter((answer) => answer.dedup === "hit")).toHaveLength(4);
    for (const { headers } of answers) {
      expect(headers.get("cache-tag")).toBe("province:40");
      expect(headers.get("surrogate-key")).toBe("province:40");
    }
  });
});
