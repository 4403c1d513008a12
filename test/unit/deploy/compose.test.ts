import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GATEWAY_V8_FLAGS } from "../../../gateway/v8Flags.ts";

// No container engine runs on CI machines, so the compose file is checked for structure instead of started.
const root = new URL("../../../", import.meta.url);
const readYaml = (path: string) => parse(readFileSync(new URL(path, root), "utf8"), { merge: true });

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: string[];
}

const compose = readYaml("docker-compose.yml") as { services: Record<string, ComposeService> };
const services = compose.services;

describe("docker-compose.yml", () => {
  it("declares the whole stack", () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        "business",
        "gateway",
        "grafana",
        "population",
        "procedures",
        "prometheus",
        "redis",
        "reporting",
        "sandbox",
      ].sort(),
    );
  });

  it("starts every project process from an entry point that exists", () => {
    for (const name of ["sandbox", "population", "business", "procedures", "reporting", "gateway"]) {
      const command = services[name]?.command ?? [];
      const entry = command.find((part) => part.endsWith(".ts"));
      expect(entry, `${name} has a TypeScript entry point`).toBeDefined();
      expect(existsSync(new URL(entry as string, root)), `${entry} exists`).toBe(true);
      expect(services[name]?.build).toBe(".");
    }
  });

  it("starts the gateway with its V8 flags, before the entry point", () => {
    const command = services.gateway?.command ?? [];
    const entry = command.indexOf("gateway/index.ts");
    expect(command.slice(0, entry)).toEqual(expect.arrayContaining([...GATEWAY_V8_FLAGS]));
  });

  it("wires the subgraphs and gateway to Redis and the sandbox by service name", () => {
    for (const name of ["population", "business", "procedures", "reporting", "gateway"]) {
      const env = services[name]?.environment ?? {};
      expect(env.REDIS_URL).toBe("redis://redis:6379");
      expect(env.PLATFORM_BASE_URL).toBe("http://sandbox:4010");
      expect(services[name]?.depends_on).toContain("redis");
    }
    expect(services.gateway?.ports).toContain("4000:4000");
  });

  it("lets Prometheus scrape the gateway's ops listener and every subgraph on their ports", () => {
    // The gateway serves /metrics on its ops listener only, which compose opens to its own network, not to the host.
    expect(services.gateway?.environment).toMatchObject({ OPS_HOST: "0.0.0.0", OPS_PORT: "9464" });
    expect(services.gateway?.ports).not.toContain("9464:9464");
    const prometheus = readYaml("deploy/prometheus.yml") as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    expect(targets.sort()).toEqual(
      ["business:4002", "gateway:9464", "population:4001", "procedures:4003", "reporting:4004"].sort(),
    );
  });

  it("provisions Grafana with the Prometheus data source and a dashboard over lienthong_ metrics", () => {
    const datasources = readYaml("deploy/grafana/provisioning/datasources/prometheus.yml") as {
      datasources: { url: string; type: string }[];
    };
    expect(datasources.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
    const dashboard = JSON.parse(
      readFileSync(new URL("deploy/grafana/dashboards/gateway.json", root), "utf8"),
    ) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(4);
    for (const expr of exprs) expect(expr).toMatch(/lienthong_/);
  });
});
