import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IContainer, IService } from "kubernetes-models/v1";
import { parse, parseAllDocuments } from "yaml";

// The part of kustomize that deploy/kubernetes/ uses, so npm test renders the overlays without a kubectl binary:
// resources (files and directories), components, namespace, namePrefix (with the HorizontalPodAutoscaler's
// reference to its Deployment), labels with selectors, strategic-merge patches (by kind and name, or a target's
// kind, name and label selector) and images. A kustomization using anything else is refused rather than
// half-rendered; the output matches `kubectl kustomize` object for object.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  kind?: string;
  namespace?: string;
  namePrefix?: string;
  resources?: string[];
  components?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
  patches?: {
    path?: string;
    patch?: string;
    target?: { kind?: string; name?: string; labelSelector?: string };
  }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const KNOWN_FIELDS = new Set([
  "apiVersion",
  "kind",
  "namespace",
  "namePrefix",
  "resources",
  "components",
  "labels",
  "patches",
  "images",
]);

/** Every object `kubectl kustomize <dir>` would print. */
export function renderKustomization(dir: string): K8sObject[] {
  const kustomization = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as Kustomization;
  const unknown = Object.keys(kustomization).filter((field) => !KNOWN_FIELDS.has(field));
  if (unknown.length > 0) throw new Error(`${dir}: kustomization fields this renderer lacks: ${unknown}`);

  const objects = (kustomization.resources ?? []).flatMap((resource) => {
    const path = join(dir, resource);
    return statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path);
  });
  for (const component of kustomization.components ?? []) transform(objects, join(dir, component));
  transform(objects, dir, kustomization);
  return objects;
}

/** A kustomization's (or component's) transformations applied to objects accumulated so far, in kustomize's order. */
function transform(objects: K8sObject[], dir: string, given?: Kustomization) {
  const k = given ?? (parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as Kustomization);
  if (!given && k.kind !== "Component") throw new Error(`${dir} is not a kustomize Component`);
  for (const { path, patch, target } of k.patches ?? []) {
    const body = parse(patch ?? readFileSync(join(dir, path as string), "utf8")) as K8sObject;
    const matches = objects.filter((object) =>
      target
        ? (!target.kind || object.kind === target.kind) &&
          (!target.name || object.metadata.name === target.name) &&
          (!target.labelSelector || selects(target.labelSelector, object.metadata.labels ?? {}))
        : object.kind === body.kind && object.metadata.name === body.metadata.name,
    );
    if (matches.length === 0) throw new Error(`${dir}: a patch matches nothing`);
    for (const object of matches) {
      const { metadata, ...rest } = structuredClone(body);
      Object.assign(object, strategicMerge(object, rest, ""));
      if (metadata?.labels) object.metadata.labels = { ...object.metadata.labels, ...metadata.labels };
    }
  }
  if (k.namespace) for (const object of objects) object.metadata.namespace = k.namespace;
  if (k.namePrefix) {
    const prefix = k.namePrefix;
    for (const object of objects) {
      object.metadata.name = prefix + object.metadata.name;
      const ref = (object.spec as { scaleTargetRef?: { name: string } } | undefined)?.scaleTargetRef;
      if (ref) ref.name = prefix + ref.name;
    }
  }
  for (const { pairs, includeSelectors } of k.labels ?? []) {
    for (const object of objects) {
      object.metadata.labels = { ...object.metadata.labels, ...pairs };
      if (includeSelectors) for (const selector of selectorsOf(object)) Object.assign(selector, pairs);
    }
  }
  for (const image of k.images ?? []) {
    for (const container of objects.flatMap(containersOf)) {
      const [name, tag] = (container.image ?? "").split(":");
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ""}`;
    }
  }
}

function readObjects(path: string): K8sObject[] {
  return parseAllDocuments(readFileSync(path, "utf8"))
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** `a=b,c=d` label selectors, the only form the manifests use. */
function selects(selector: string, labels: Record<string, string>): boolean {
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return labels[key!.trim()] === value?.trim();
  });
}

/** The label maps a `labels` entry with selectors must extend, created where the manifest left them out. */
function selectorsOf(object: K8sObject): Record<string, string>[] {
  switch (object.kind) {
    case "Deployment": {
      const spec = (object as unknown as IDeployment).spec!;
      spec.selector.matchLabels ??= {};
      spec.template.metadata ??= {};
      spec.template.metadata.labels ??= {};
      return [spec.selector.matchLabels, spec.template.metadata.labels];
    }
    case "Service": {
      const service = object as unknown as IService;
      service.spec ??= {};
      service.spec.selector ??= {};
      return [service.spec.selector];
    }
    case "PodDisruptionBudget": {
      const budget = object as unknown as IPodDisruptionBudget;
      budget.spec ??= {};
      budget.spec.selector ??= {};
      budget.spec.selector.matchLabels ??= {};
      return [budget.spec.selector.matchLabels];
    }
    case "HorizontalPodAutoscaler":
      return [];
    default:
      throw new Error(`labels with selectors on a ${object.kind}: not rendered here`);
  }
}

export function containersOf(object: K8sObject): IContainer[] {
  if (object.kind !== "Deployment") return [];
  return (object as unknown as IDeployment).spec?.template.spec?.containers ?? [];
}

// The lists kustomize merges item by item, and the key that identifies an item; every other list is replaced.
const MERGE_KEYS: Record<string, string> = {
  ".spec.template.spec.containers": "name",
  ".spec.template.spec.containers[].env": "name",
  ".spec.template.spec.containers[].ports": "containerPort",
  ".spec.template.spec.containers[].volumeMounts": "mountPath",
  ".spec.template.spec.volumes": "name",
  ".spec.ports": "port",
};

function strategicMerge(base: unknown, patch: unknown, path: string): unknown {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[path];
    if (!key || !Array.isArray(base)) return patch;
    // As kustomize orders them: the patch's items (merged into their base counterparts) first, then the rest.
    const items = patch as Record<string, unknown>[];
    const counterpart = (item: Record<string, unknown>) =>
      base.find((existing) => (existing as Record<string, unknown>)[key] === item[key]);
    return [
      ...items.map((item) => strategicMerge(counterpart(item), item, `${path}[]`)),
      ...base.filter(
        (existing) => !items.some((item) => item[key] === (existing as Record<string, unknown>)[key]),
      ),
    ];
  }
  if (patch === null || typeof patch !== "object") return patch;
  const merged: Record<string, unknown> =
    base && typeof base === "object" && !Array.isArray(base) ? { ...(base as object) } : {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else merged[field] = strategicMerge(merged[field], value, `${path}.${field}`);
  }
  return merged;
}
