import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import {
  PrometheusRule,
  ServiceMonitor,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { type INetworkPolicy, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deriveContextKey, encodeContextKey } from "../../../common/signedContext.ts";
import { loadGatewayConfig } from "../../../gateway/config.ts";
import { GATEWAY_V8_FLAGS } from "../../../gateway/v8Flags.ts";
import { readConfig as readSandboxConfig } from "../../../sandbox/config.ts";
import {
  loadSubgraphConfig,
  SUBGRAPH_DEFAULT_PORTS,
  type SubgraphName,
} from "../../../subgraphs/kit/config.ts";
import { containersOf, type K8sObject, renderKustomization } from "./kustomize.ts";

const root = new URL("../../../", import.meta.url).pathname;
const OVERLAYS = {
  "deploy/kubernetes": 25,
  "deploy/kubernetes/overlays/province": 25,
  "deploy/kubernetes/overlays/national": 25,
  "deploy/kubernetes/overlays/development": 31,
};
// How each overlay reaches Redis: one server for a province and on a laptop, a Redis Cluster for the nation.
const REDIS_MODES: Record<keyof typeof OVERLAYS, "single" | "cluster"> = {
  "deploy/kubernetes": "single",
  "deploy/kubernetes/overlays/province": "single",
  "deploy/kubernetes/overlays/national": "cluster",
  "deploy/kubernetes/overlays/development": "single",
};
const REDIS_VARIABLES = ["REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINELS"];
const rendered = Object.fromEntries(
  Object.keys(OVERLAYS).map((dir) => [dir, renderKustomization(`${root}${dir}`)]),
) as Record<keyof typeof OVERLAYS, K8sObject[]>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1 Deployment": Deployment,
  "v1 Service": Service,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1 NetworkPolicy": NetworkPolicy,
  "monitoring.coreos.com/v1 ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1 PrometheusRule": PrometheusRule,
};

// What each Secret or ConfigMap key referenced by the manifests holds, shaped as the configs expect it (never a real
// value).
const INTERNAL_CONTEXT_SECRET = "a-stand-in-for-the-gateway-internal-context-secret";
const SECRET_STAND_INS: Record<string, string> = {
  "lienthong-gateway/INTERNAL_CONTEXT_SECRET": INTERNAL_CONTEXT_SECRET,
  "lienthong-gateway/OPS_TOKEN": "a-stand-in-ops-token",
  "lienthong-gateway/AUTH_JWT_SECRET": "a-stand-in-hs256-secret-of-at-least-32-bytes",
  "lienthong-redis/REDIS_URL": "redis://:password@redis.example:6379",
  "lienthong-redis/REDIS_CLUSTER_NODES": "redis-0.redis:6379,redis-1.redis:6379,redis-2.redis:6379",
  ...Object.fromEntries(
    Object.keys(SUBGRAPH_DEFAULT_PORTS).map((name) => [
      `lienthong-context-keys/${name.toUpperCase()}_CONTEXT_KEY`,
      encodeContextKey(deriveContextKey(INTERNAL_CONTEXT_SECRET, name)),
    ]),
  ),
};
const SECRET_VARIABLES = [
  "INTERNAL_CONTEXT_SECRET",
  "INTERNAL_CONTEXT_KEY",
  "AUTH_JWT_SECRET",
  "OPS_TOKEN",
  "REDIS_URL",
];

type Container = ReturnType<typeof containersOf>[number];
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

/** The environment a container starts with, each Secret or ConfigMap reference replaced by its stand-in. */
function environmentOf(container: Container): Record<string, string> {
  return Object.fromEntries(
    (container.env as EnvVar[]).map(({ name, value, valueFrom }) => {
      if (value !== undefined) return [name, value];
      const ref = valueFrom?.secretKeyRef ?? valueFrom?.configMapKeyRef;
      const standIn = ref && SECRET_STAND_INS[`${ref.name}/${ref.key}`];
      if (standIn === undefined)
        throw new Error(`${name}: neither a value nor a known Secret or ConfigMap key`);
      return [name, standIn];
    }),
  );
}

/**
 * A variable is a knob when the process's own config loader notices it: removing it, or setting it to nonsense,
 * changes the parsed configuration or makes it refuse to start. A variable no loader reads changes nothing.
 */
function readsVariable(
  load: (env: Record<string, string>) => unknown,
  env: Record<string, string>,
  name: string,
) {
  const outcome = (candidate: Record<string, string>) => {
    try {
      return { config: load(candidate) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const { [name]: _, ...without } = env;
  const baseline = outcome(without);
  return ["", "not-a-value-any-knob-takes"].some(
    (probe) => !isDeepStrictEqual(outcome({ ...without, [name]: probe }), baseline),
  );
}

const deployment = (objects: K8sObject[], name: string) => {
  const found = objects.find((object) => object.kind === "Deployment" && object.metadata.name === name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return found;
};
const podSpecOf = (object: K8sObject) => {
  const { template } = (object as unknown as IDeployment).spec!;
  return { spec: template.spec!, metadata: { labels: template.metadata?.labels ?? {} } };
};
const containerPort = (container: Container, name: string) =>
  (container.ports as { name: string; containerPort: number }[]).find((port) => port.name === name)
    ?.containerPort;
const preStopSleepSeconds = (container: Container) => {
  const command = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
  expect(command?.[0]).toBe("sleep");
  return Number(command?.[1]);
};
const subgraphName = (object: K8sObject) =>
  object.metadata.labels?.["app.kubernetes.io/name"] as SubgraphName;
const subgraphDeployments = (objects: K8sObject[]) =>
  objects.filter(
    (object) =>
      object.kind === "Deployment" && object.metadata.labels?.["app.kubernetes.io/component"] === "subgraph",
  );
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);

// The subgraph kit drains for a fixed time (not a knob): read it where it is stated.
const SUBGRAPH_DRAIN_MS = Number(
  /SHUTDOWN_GRACE_MS = ([\d_]+)/
    .exec(readFileSync(`${root}subgraphs/kit/server.ts`, "utf8"))?.[1]
    ?.replaceAll("_", ""),
);

describe.each(Object.entries(OVERLAYS))("kustomize %s", (dir, count) => {
  const objects = rendered[dir as keyof typeof OVERLAYS];

  it(`renders ${count} objects, each valid against its Kubernetes API schema`, () => {
    expect(objects).toHaveLength(count);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion} ${object.kind}`];
      expect(Model, `${object.apiVersion} ${object.kind} has a schema here`).toBeDefined();
      expect(
        () => new Model!(object as never).validate(),
        `${object.kind}/${object.metadata.name}`,
      ).not.toThrow();
      expect(object.metadata.namespace).toBe("lienthong");
    }
    const ids = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("starts the gateway with a configuration it accepts, setting only variables it reads", () => {
    const [gateway] = containersOf(deployment(objects, "gateway"));
    const env = environmentOf(gateway!);
    const config = loadGatewayConfig(env);
    expect(config.server.production).toBe(true);
    for (const name of Object.keys(env)) expect(readsVariable(loadGatewayConfig, env, name), name).toBe(true);
    // Each subgraph URL points at a Service that exists, on its http port.
    for (const [name, url] of Object.entries(config.subgraphs.urlOverrides)) {
      const { hostname, port, pathname } = new URL(url);
      const service = objects.find(
        (object) => object.kind === "Service" && object.metadata.name === hostname,
      );
      expect(service, `${name} → ${hostname}`).toBeDefined();
      const ports = (service!.spec as { ports: { name: string; port: number }[] }).ports;
      expect(ports.find((p) => p.name === "http")?.port).toBe(Number(port || 80));
      expect(pathname).toBe("/graphql");
    }
    expect(Object.keys(config.subgraphs.urlOverrides).sort()).toEqual(
      Object.keys(SUBGRAPH_DEFAULT_PORTS).sort(),
    );
  });

  it("starts the gateway with its V8 flags, before the entry point", () => {
    const [gateway] = containersOf(deployment(objects, "gateway"));
    const command = gateway!.command as string[];
    const entry = command.indexOf("gateway/index.ts");
    expect(command.slice(0, entry)).toEqual(expect.arrayContaining([...GATEWAY_V8_FLAGS]));
  });

  it("probes the gateway's real paths and ports and scrapes metrics from its ops listener", () => {
    const object = deployment(objects, "gateway");
    const [gateway] = containersOf(object);
    const config = loadGatewayConfig(environmentOf(gateway!));
    expect(containerPort(gateway!, "http")).toBe(config.server.port);
    expect(containerPort(gateway!, "ops")).toBe(config.ops.listener?.port);
    expect(config.ops.listener?.host).toBe("0.0.0.0");
    expect(gateway!.readinessProbe?.httpGet).toEqual({ path: "/ready", port: "http" });
    expect(gateway!.livenessProbe?.httpGet).toEqual({ path: "/health", port: "http" });
    const monitor = objects.find((o) => o.kind === "ServiceMonitor" && o.metadata.name === "gateway")!;
    expect((monitor.spec as { endpoints: { port: string; path: string }[] }).endpoints).toEqual([
      expect.objectContaining({ port: "ops", path: "/metrics" }),
    ]);
  });

  it("drains the gateway and each subgraph within terminationGracePeriodSeconds", () => {
    const gatewayObject = deployment(objects, "gateway");
    const [gateway] = containersOf(gatewayObject);
    const drainSeconds =
      preStopSleepSeconds(gateway!) +
      loadGatewayConfig(environmentOf(gateway!)).server.shutdownTimeoutMs / 1000;
    expect(podSpecOf(gatewayObject).spec.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
    expect(SUBGRAPH_DRAIN_MS).toBeGreaterThan(0);
    for (const object of subgraphDeployments(objects)) {
      const [container] = containersOf(object);
      expect(podSpecOf(object).spec.terminationGracePeriodSeconds).toBeGreaterThan(
        preStopSleepSeconds(container!) + SUBGRAPH_DRAIN_MS / 1000,
      );
    }
  });

  it("runs each subgraph on the port its config listens on, with only variables it reads", () => {
    const subgraphs = subgraphDeployments(objects);
    expect(subgraphs.map(subgraphName).sort()).toEqual(Object.keys(SUBGRAPH_DEFAULT_PORTS).sort());
    for (const object of subgraphs) {
      const name = subgraphName(object);
      const [container] = containersOf(object);
      const env = environmentOf(container!);
      const load = (candidate: Record<string, string>) => loadSubgraphConfig(name, candidate);
      const config = load(env);
      expect(config.contextKey).not.toBeNull();
      expect(container!.command).toContain(`subgraphs/${name}/index.ts`);
      expect(containerPort(container!, "http")).toBe(config.port);
      expect(container!.readinessProbe?.httpGet).toEqual({ path: "/health", port: "http" });
      for (const variable of Object.keys(env))
        expect(readsVariable(load, env, variable), variable).toBe(true);
      // Its own key only: the gateway's secret would let it sign contexts for every other subgraph.
      expect(env.INTERNAL_CONTEXT_SECRET).toBeUndefined();
      const services = objects.filter(
        (o) =>
          o.kind === "Service" &&
          matches(
            (o.spec as { selector: Record<string, string> }).selector,
            podSpecOf(object).metadata.labels,
          ),
      );
      expect(services.map((service) => service.metadata.name)).toEqual([`${name}-subgraph`]);
    }
  });

  it("points the gateway and every subgraph at the same Redis, named one way only", () => {
    const mode = REDIS_MODES[dir as keyof typeof OVERLAYS];
    const [gateway] = containersOf(deployment(objects, "gateway"));
    const gatewayEnv = environmentOf(gateway!);
    const redis = loadGatewayConfig(gatewayEnv).redis.connection;
    expect(redis?.mode).toBe(mode);
    for (const object of subgraphDeployments(objects)) {
      const [container] = containersOf(object);
      const env = environmentOf(container!);
      expect(loadSubgraphConfig(subgraphName(object), env).redis).toEqual(redis);
      expect(REDIS_VARIABLES.filter((name) => env[name])).toEqual(
        REDIS_VARIABLES.filter((name) => gatewayEnv[name]),
      );
    }
    expect(REDIS_VARIABLES.filter((name) => gatewayEnv[name])).toHaveLength(1);
  });

  it("carries the alerting rules of deploy/prometheus/alerts.yml, unchanged", () => {
    const rules = objects.filter((object) => object.kind === "PrometheusRule");
    expect(rules).toHaveLength(1);
    const source = parse(readFileSync(`${root}deploy/prometheus/alerts.yml`, "utf8")) as { groups: unknown };
    expect((rules[0]!.spec as { groups: unknown }).groups).toEqual(source.groups);
  });

  it("references every secret by name and inlines none", () => {
    expect(objects.filter((object) => object.kind === "Secret")).toEqual([]);
    for (const container of objects.flatMap(containersOf)) {
      for (const variable of (container.env ?? []) as EnvVar[]) {
        if (!SECRET_VARIABLES.includes(variable.name)) continue;
        expect(variable.value, `${container.name} ${variable.name}`).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef, `${container.name} ${variable.name}`).toBeDefined();
      }
    }
  });

  it("lets only the gateway (and Prometheus) reach the subgraphs, and only Prometheus the gateway's ops port", () => {
    const policies = objects.filter(
      (object) => object.kind === "NetworkPolicy",
    ) as unknown as INetworkPolicy[];
    const gatewayLabels = podSpecOf(deployment(objects, "gateway")).metadata.labels;
    for (const object of subgraphDeployments(objects)) {
      const labels = podSpecOf(object).metadata.labels;
      const applying = policies.filter((policy) => matches(policy.spec?.podSelector?.matchLabels, labels));
      expect(applying.map((policy) => policy.metadata?.name)).toEqual(["subgraphs"]);
      // A rule without `from` admits every peer: it must fail the checks below.
      const peers = (applying[0]!.spec?.ingress ?? []).flatMap((rule) => rule.from ?? [{}]);
      for (const peer of peers) {
        const fromGateway =
          !peer.namespaceSelector && peer.podSelector && matches(peer.podSelector.matchLabels, gatewayLabels);
        const fromPrometheus =
          peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring" &&
          peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "prometheus";
        expect(fromGateway || fromPrometheus, JSON.stringify(peer)).toBe(true);
      }
    }
    const gatewayPolicy = policies.find((policy) => policy.metadata?.name === "gateway")!;
    const opsRules = (gatewayPolicy.spec?.ingress ?? []).filter((rule) =>
      rule.ports?.some((port) => port.port === "ops"),
    );
    expect(opsRules).toHaveLength(1);
    expect(opsRules[0]?.from?.[0]?.namespaceSelector?.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "monitoring",
    });
  });

  it("runs the sandbox and an in-cluster Redis in the development overlay only", () => {
    const development = dir.endsWith("development");
    const names = objects
      .filter((object) => object.kind === "Deployment")
      .map((object) => object.metadata.name);
    expect(names.includes("sandbox")).toBe(development);
    expect(names.includes("redis")).toBe(development);
    expect(objects.some((object) => object.kind === "StatefulSet")).toBe(false);
    for (const object of subgraphDeployments(objects)) {
      const [container] = containersOf(object);
      const platform = loadSubgraphConfig(subgraphName(object), environmentOf(container!)).platformUrl;
      expect(platform.startsWith("http://sandbox:4010/")).toBe(development);
    }
    if (development) {
      const [sandbox] = containersOf(deployment(objects, "sandbox"));
      const env = environmentOf(sandbox!);
      expect(containerPort(sandbox!, "http")).toBe(readSandboxConfig(env).port);
      for (const name of Object.keys(env))
        expect(readsVariable(readSandboxConfig, env, name), name).toBe(true);
    }
  });
});
