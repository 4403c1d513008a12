import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createBusinessPlatform } from "../../../subgraphs/business/platform.ts";
import type { LoaderSpec } from "../../../subgraphs/kit/loaders.ts";
import { cacheMaxAge, loadTypeDefs } from "../../../subgraphs/kit/schema.ts";
import type { UpstreamClient } from "../../../subgraphs/kit/upstream.ts";
import { createPopulationPlatform } from "../../../subgraphs/population/platform.ts";
import { createProceduresPlatform } from "../../../subgraphs/procedures/platform.ts";
import { createReportingPlatform } from "../../../subgraphs/reporting/platform.ts";

function sdl(text: string): URL {
  const file = join(mkdtempSync(join(tmpdir(), "kit-schema-")), "schema.graphql");
  writeFileSync(file, text);
  return pathToFileURL(file);
}

const upstream = (platform: string) => ({ platform }) as UpstreamClient;
const ttls = (loaders: Record<string, LoaderSpec<unknown>>) =>
  Object.fromEntries(Object.values(loaders).map((spec) => [spec.kind, spec.ttlSeconds]));

describe("record TTLs come from the SDL's @cacheControl hints, stated once", () => {
  it("reads the maxAge of object types and their extensions", () => {
    const maxAge = cacheMaxAge(
      sdl(`type A @cacheControl(maxAge: 30, scope: PRIVATE) { a: Int }
           extend type B @key(fields: "id") @cacheControl(maxAge: 86400) { id: ID! }`),
    );
    expect(maxAge("A")).toBe(30);
    expect(maxAge("B")).toBe(86_400);
  });

  it("refuses at start-up a type without a positive maxAge", () => {
    const file = sdl(
      `type A @cacheControl(inheritMaxAge: true) { a: Int } type Z @cacheControl(maxAge: 0) { z: Int }`,
    );
    const maxAge = cacheMaxAge(file);
    expect(() => maxAge("A")).toThrow(`${file.pathname}: type A has no @cacheControl(maxAge:) above 0`);
    expect(() => maxAge("Z")).toThrow("type Z has no @cacheControl(maxAge:) above 0");
    expect(() => maxAge("Missing")).toThrow("type Missing has no @cacheControl(maxAge:) above 0");
  });

  it("parses a schema file once per process", () => {
    const file = sdl("type Query { a: Int }");
    expect(loadTypeDefs(file)).toBe(loadTypeDefs(new URL(file.href)));
  });

  it("gives every record kind of the four subgraphs the maxAge of the type it is served as", () => {
    expect(ttls(createPopulationPlatform(upstream("population")).loaders)).toEqual({
      "population.citizen": 30,
      "population.household": 30,
      "population.stats": 60,
    });
    expect(ttls(createBusinessPlatform(upstream("business")).loaders)).toEqual({
      "business.enterprise": 300,
      "business.enterprisesByRepresentative": 300,
      "business.stats": 60,
    });
    expect(ttls(createProceduresPlatform(upstream("procedures")).loaders)).toMatchObject({
      "procedures.procedure": 300,
      "procedures.dossier": 30,
      "procedures.dossierStats": 60,
      "procedures.procedureCount": 60,
      "procedures.applicantDossierPage": 30,
    });
    expect(ttls(createReportingPlatform(upstream("reporting")).loaders)).toEqual({
      "reporting.province": 86_400,
      "reporting.commune": 86_400,
      "reporting.provinceCommunes": 86_400,
      "reporting.legacyUnit": 86_400,
      "reporting.provinceList": 86_400,
      "reporting.task": 60,
      "reporting.taskProgress": 60,
      "reporting.nationalTaskProgress": 60,
      "reporting.deployments": 60,
      "reporting.indicators": 60,
      "reporting.serviceIndex": 60,
      "reporting.serviceIndexRanking": 60,
      "reporting.rollout": 60,
    });
  });
});
