import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSchema, Kind, type OperationDefinitionNode, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../../gateway/config.ts";
import { createGateway } from "../../../gateway/createGateway.ts";
import { readCostDirectives } from "../../../gateway/demandControl/costDirectives.ts";
import { measureOperation } from "../../../gateway/demandControl/measure.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import {
  acceptEnforcedSecurityFeatures,
  validateSupergraph,
} from "../../../gateway/supergraph/supergraphSource.ts";
import { composeSupergraph } from "../../support/toySubgraph.ts";

const SCOPED_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])
  type Query { secret: String @requiresScopes(scopes: [["population:read"]]) open: String }
`;
const POLICY_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@policy"])
  type Query { secret: String @policy(policies: [["officer"]]) open: String }
`;
const REQUIRES_SCOPES = "https://specs.apollo.dev/requiresScopes";

let dir: string;
let supergraphPath: string;
let policyPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lienthong-features-"));
  supergraphPath = join(dir, "supergraph.graphql");
  policyPath = join(dir, "policy.graphql");
  const url = "http://127.0.0.1:9/graphql";
  await writeFile(supergraphPath, composeSupergraph([{ name: "guarded", url, sdl: SCOPED_SDL }]));
  await writeFile(policyPath, composeSupergraph([{ name: "guarded", url, sdl: POLICY_SDL }]));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startWith(path: string) {
  const config = loadGatewayConfig({ GATEWAY_PORT: "0", SUPERGRAPH_PATH: path, SUPERGRAPH_WATCH: "off" });
  const logger = createLogger({ log: { level: "silent" } });
  const gateway = createGateway(config, { logger, metrics: createGatewayMetrics(), redis: null });
  try {
    await gateway.start();
    return "started";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await gateway.stop();
  }
}

describe("supergraph security features", () => {
  it("refuses a supergraph whose security feature nothing here enforces (@policy)", async () => {
    expect(await startWith(policyPath)).toMatch(/policy.*SECURITY but is unsupported/s);
  });

  it("serves a supergraph with @requiresScopes, which the field authorization plugin enforces", async () => {
    expect(await startWith(supergraphPath)).toBe("started");
  });

  it("lifts the SECURITY mark only from the enforced features, keeping the directives for the auth plugin", async () => {
    const sdl = await readFile(supergraphPath, "utf8");
    const accepted = acceptEnforcedSecurityFeatures(sdl, [REQUIRES_SCOPES]);
    expect(accepted).not.toMatch(/for: SECURITY/);
    expect(accepted).toContain('@requiresScopes(scopes: [["population:read"]])');
    expect(acceptEnforcedSecurityFeatures(sdl, ["https://specs.apollo.dev/authenticated"])).toMatch(
      /for: SECURITY/,
    );
  });
});

describe("the product's supergraph and operations", () => {
  it("loads, and its four example operations are within the default limits", async () => {
    const raw = await readFile("schema/supergraph.graphql", "utf8");
    const loaded = validateSupergraph(raw, ["https://specs.apollo.dev/authenticated", REQUIRES_SCOPES]);
    expect(loaded.subgraphs.map((s) => s.name).sort()).toEqual([
      "business",
      "population",
      "procedures",
      "reporting",
    ]);
    const schema = buildSchema(loaded.sdl, { assumeValid: true, assumeValidSDL: true });
    const limits = loadGatewayConfig({}).demandControl;
    const files = (await readdir("schema/operations")).filter((f) => f.endsWith(".graphql"));
    expect(files).toHaveLength(4);
    for (const file of files) {
      const document = parse(await readFile(join("schema/operations", file), "utf8"), {
        maxTokens: limits.maxTokens,
      });
      const operation = document.definitions.find(
        (d) => d.kind === Kind.OPERATION_DEFINITION,
      ) as OperationDefinitionNode;
      const measure = measureOperation({
        schema,
        directives: readCostDirectives(raw),
        selectionSet: operation.selectionSet,
        rootType: schema.getQueryType() ?? undefined,
        fragments: {},
        variables: {},
        listSize: limits.costListSize,
      });
      expect(measure.depth, file).toBeLessThanOrEqual(limits.maxDepth);
      expect(measure.aliases, file).toBeLessThanOrEqual(limits.maxAliases);
      expect(measure.cost, file).toBeLessThanOrEqual(limits.maxCost);
    }
  });
});
