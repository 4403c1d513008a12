// deploy/prometheus/alerts.yml: it parses as a Prometheus rule file, Prometheus loads it, and every metric its
// expressions name is one a running gateway or subgraph exports (an alert on a misspelt metric never fires).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Stack, startStack } from "../../support/stack.ts";

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const readYaml = (path: string) => parse(readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8"));
const rules = (
  readYaml("deploy/prometheus/alerts.yml") as { groups: { name: string; rules: Rule[] }[] }
).groups.flatMap((group) => group.rules);

const PROMQL_WORDS = new Set(["by", "without", "offset", "and", "or", "unless", "on", "ignoring", "bool"]);

/** The metric names of a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b\d+(?:\.\d+)?[smhdwy]?\b/g, "")
    .replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, "");
  return [...bare.matchAll(/([A-Za-z_:][\w:]*)(\s*\()?/g)]
    .filter((match) => match[2] === undefined && !PROMQL_WORDS.has(match[1]!))
    .map((match) => match[1]!);
}

/** Every series name a /metrics text can hold: each declared metric, and a histogram's _bucket/_sum/_count. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === "histogram")
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
  }
  return names;
}

let stack: Stack;
let exported: Set<string>;

beforeAll(async () => {
  stack = await startStack();
  const texts = await Promise.all([
    fetch(`${stack.gateway.opsOrigin}/metrics`).then((response) => response.text()),
    fetch(stack.subgraphs.population.url.replace(/\/graphql$/, "/metrics")).then((response) =>
      response.text(),
    ),
  ]);
  exported = new Set(texts.flatMap((text) => [...exportedNames(text)]));
});

afterAll(async () => {
  await stack?.stop();
});

describe("alerting rules", () => {
  it("cover breaker open, error ratio, p95, Redis lost and cache hit ratio collapse, each fully described", () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        "LienthongCircuitBreakerOpen",
        "LienthongHighErrorRatio",
        "LienthongSlowRequests",
        "LienthongRedisLost",
        "LienthongCacheHitRatioCollapse",
      ]),
    );
    for (const rule of rules) {
      expect(rule.expr, rule.alert).toEqual(expect.any(String));
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning)$/);
      expect(rule.annotations?.summary, rule.alert).toEqual(expect.any(String));
    }
  });

  it("name only metrics the gateway and the subgraphs export", () => {
    expect(exported.has("lienthong_gateway_requests_total")).toBe(true);
    expect(exported.has("lienthong_upstream_requests_total")).toBe(true);
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });

  it("are loaded by the Prometheus of docker-compose", () => {
    const prometheus = readYaml("deploy/prometheus.yml") as { rule_files: string[] };
    const compose = readYaml("docker-compose.yml") as { services: { prometheus: { volumes: string[] } } };
    const mounted = compose.services.prometheus.volumes.map((volume) => volume.split(":"));
    for (const file of prometheus.rule_files) {
      expect(mounted).toContainEqual(["./deploy/prometheus/alerts.yml", file, "ro"]);
    }
  });
});
