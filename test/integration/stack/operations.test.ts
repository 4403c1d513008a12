// The four client operations of schema/operations/ through the whole real stack, checked against the seed figures
// and against what the platform APIs themselves answer for the same records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOperation, type Stack, startStack } from "../../support/stack.ts";

interface Listing<T> {
  items: T[];
  totalCount: number;
}
interface PlatformCommune {
  code: string;
  name: string;
}
interface PlatformDossier {
  code: string;
  status: string;
  applicant: { kind: "CITIZEN" | "ENTERPRISE"; id: string };
}
interface PlatformCitizen {
  id: string;
  fullName: string;
  householdId: string;
  permanentResidence: { communeCode: string };
}

let stack: Stack;
let commune: PlatformCommune;
let dossier: PlatformDossier;
let citizen: PlatformCitizen;

beforeAll(async () => {
  stack = await startStack();
  const { sandbox } = stack;
  const communes = await sandbox.get<Listing<PlatformCommune>>("/reporting/v1/communes?provinces=40");
  commune = communes.items[0]!;
  // A dossier filed by a resident, so the citizen profile below has a dossier to show.
  const dossiers = await sandbox.get<Listing<PlatformDossier>>(
    `/procedures/v1/dossiers?commune=${commune.code}&limit=50`,
  );
  dossier = dossiers.items.find((candidate) => candidate.applicant.kind === "CITIZEN")!;
  citizen = await sandbox.get<PlatformCitizen>(`/population/v1/citizens/${dossier.applicant.id}`);
});

afterAll(async () => {
  await stack?.stop();
});

describe("the client operations through the whole stack", () => {
  it("NationalOverview: Resolution 57 nationally 3430 / 1954 / 56.97 and all 34 provinces", async () => {
    const { data, errors } = await stack.gateway.query(await readOperation("NationalOverview"));
    expect(errors).toBeUndefined();
    expect(data?.nationalTaskProgress).toEqual({
      assigned: 3430,
      completed: 1954,
      inProgress: 1476,
      completionRate: 56.97,
    });
    expect(data?.provinces).toHaveLength(34);
    const ngheAn = data?.provinces.find((province: { code: string }) => province.code === "40");
    expect(ngheAn.taskProgress).toEqual({ assigned: 100, completed: 51, completionRate: 51 });
    expect(ngheAn.populationStats.total).toBeGreaterThan(0);
  });

  it("ProvinceDashboard for Nghệ An: 130 communes, Resolution 57 100 / 51 / 49, statistics that add up", async () => {
    const { data, errors } = await stack.gateway.query(await readOperation("ProvinceDashboard"), {
      code: "40",
    });
    expect(errors).toBeUndefined();
    const province = data?.province;
    expect(province).toMatchObject({ code: "40", name: "Nghệ An", communeCount: 130 });
    expect(province.resolution57).toMatchObject({ assigned: 100, completed: 51, inProgress: 49 });
    expect(province.plan02).toMatchObject({ assigned: 16, completed: 16, completionRate: 100 });
    expect(province.communes).toHaveLength(130);
    expect(province.communes[0]).toMatchObject({ code: commune.code, name: commune.name });
    // Commune figures come from other subgraphs than the province's own, through `_entities` fetches.
    const communePopulation = province.communes.reduce(
      (sum: number, c: { populationStats: { total: number } }) => sum + c.populationStats.total,
      0,
    );
    expect(communePopulation).toBe(province.populationStats.total);
    for (const c of province.communes) {
      expect(c.enterpriseStats.active).toBeGreaterThanOrEqual(0);
      expect(c.dossierStats.received).toBeGreaterThan(0);
    }
  });

  it("CommunePortal: a real commune of Nghệ An and a real dossier's status", async () => {
    const procedures = await stack.sandbox.get<Listing<unknown>>(
      "/procedures/v1/procedures?level=COMMUNE&limit=1",
    );
    const { data, errors } = await stack.gateway.query(await readOperation("CommunePortal"), {
      commune: commune.code,
      dossier: dossier.code,
    });
    expect(errors).toBeUndefined();
    expect(data?.commune).toMatchObject({
      code: commune.code,
      name: commune.name,
      province: { code: "40", name: "Nghệ An" },
    });
    expect(data?.commune.dossierStats.received).toBeGreaterThan(0);
    expect(data?.procedures.totalCount).toBe(procedures.totalCount);
    expect(data?.procedures.edges).toHaveLength(Math.min(20, procedures.totalCount));
    expect(data?.dossier).toMatchObject({ code: dossier.code, status: dossier.status });
  });

  it("CitizenProfile: a resident of Nghệ An for an officer of province 40 with population:read dossier:read", async () => {
    const token = await stack.token({ scopes: ["population:read", "dossier:read"], province: "40" });
    const [household, enterprises, dossiers] = await Promise.all([
      stack.sandbox.get<{ memberIds: string[] }>(`/population/v1/households/${citizen.householdId}`),
      stack.sandbox.get<Listing<unknown>>(`/business/v1/enterprises?representative=${citizen.id}&limit=500`),
      stack.sandbox.get<Listing<unknown>>(`/procedures/v1/dossiers?applicant=${citizen.id}&limit=1`),
    ]);
    const { data, errors } = await stack.gateway.query(
      await readOperation("CitizenProfile"),
      { id: citizen.id },
      token,
    );
    expect(errors).toBeUndefined();
    const profile = data?.citizen;
    expect(profile.fullName).toBe(citizen.fullName);
    expect(profile.maskedId).not.toBe(citizen.id);
    expect(profile.permanentResidence.commune).toMatchObject({
      code: commune.code,
      province: { name: "Nghệ An" },
    });
    expect(profile.household.id).toBe(citizen.householdId);
    expect(profile.household.members).toHaveLength(household.memberIds.length);
    expect(profile.representedEnterprises).toHaveLength(enterprises.totalCount);
    expect(profile.dossiers.totalCount).toBe(dossiers.totalCount);
    expect(dossiers.totalCount).toBeGreaterThan(0);
  });
});
