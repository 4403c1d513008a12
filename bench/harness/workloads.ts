import { readFileSync } from "node:fs";

export const WORKLOAD_IDS = [
  "guild",
  "province-cold",
  "province-warm",
  "national-warm",
  "commune-warm",
] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface WorkloadContext {
  /** Base URL of the sandbox (platform workloads only). */
  sandboxUrl: string | null;
}

export interface WorkloadDefinition {
  id: WorkloadId;
  title: string;
  /** Which subgraphs answer it: the Guild benchmark's or ours over the sandbox. */
  stack: "guild" | "platform";
  /** `load`: 50 connections for a window; `cold`: sequential requests with every cache purged before each. */
  mode: "load" | "cold";
  bodies(context: WorkloadContext): Promise<string[]>;
}

const repoFile = (path: string) => new URL(`../../${path}`, import.meta.url);
const operation = (name: string) => readFileSync(repoFile(`schema/operations/${name}.graphql`), "utf8");

const NGHE_AN = "40";
const ROTATING_COMMUNES = 20;

function graphqlBody(query: string, operationName?: string, variables?: Record<string, unknown>): string {
  return JSON.stringify({ query, operationName, variables });
}

const provinceDashboardBodies = async () => [
  graphqlBody(operation("ProvinceDashboard"), "ProvinceDashboard", { code: NGHE_AN }),
];

export const WORKLOADS: Record<WorkloadId, WorkloadDefinition> = {
  guild: {
    id: "guild",
    title: "Guild federation benchmark query",
    stack: "guild",
    mode: "load",
    bodies: async () => [graphqlBody(readFileSync(repoFile("bench/guild/query.graphql"), "utf8"))],
  },
  "province-cold": {
    id: "province-cold",
    title: "ProvinceDashboard, Nghệ An (40), cold",
    stack: "platform",
    mode: "cold",
    bodies: provinceDashboardBodies,
  },
  "province-warm": {
    id: "province-warm",
    title: "ProvinceDashboard, Nghệ An (40), warm",
    stack: "platform",
    mode: "load",
    bodies: provinceDashboardBodies,
  },
  "national-warm": {
    id: "national-warm",
    title: "NationalOverview, warm",
    stack: "platform",
    mode: "load",
    bodies: async () => [graphqlBody(operation("NationalOverview"), "NationalOverview")],
  },
  "commune-warm": {
    id: "commune-warm",
    title: `CommunePortal, warm, ${ROTATING_COMMUNES} communes rotating`,
    stack: "platform",
    mode: "load",
    bodies: async (context) => {
      if (!context.sandboxUrl) throw new Error("CommunePortal needs the sandbox");
      const query = operation("CommunePortal");
      const variables = await communePortalVariables(context.sandboxUrl, ROTATING_COMMUNES);
      return variables.map((each) => graphqlBody(query, "CommunePortal", each));
    },
  },
};

/** One commune from each of the first `count` provinces, each with one of its own dossiers. */
export async function communePortalVariables(
  sandboxUrl: string,
  count: number,
): Promise<{ commune: string; dossier: string }[]> {
  const provinces = await getJson<{ items: { code: string }[] }>(`${sandboxUrl}/reporting/v1/provinces`);
  const chosen = provinces.items.slice(0, count).map((province) => province.code);
  const communes = await getJson<{ items: { code: string; provinceCode: string }[] }>(
    `${sandboxUrl}/reporting/v1/communes?provinces=${chosen.join(",")}`,
  );
  const firstCommunes = chosen.map((code) => communes.items.find((commune) => commune.provinceCode === code));
  return Promise.all(
    firstCommunes
      .filter((commune) => commune !== undefined)
      .map(async (commune) => {
        const dossiers = await getJson<{ items: { code: string }[] }>(
          `${sandboxUrl}/procedures/v1/dossiers?commune=${commune.code}&limit=1`,
        );
        const dossier = dossiers.items[0]?.code;
        if (!dossier) throw new Error(`sandbox has no dossier in commune ${commune.code}`);
        return { commune: commune.code, dossier };
      }),
  );
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return (await response.json()) as T;
}
