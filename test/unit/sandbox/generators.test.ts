import { beforeAll, describe, expect, it } from "vitest";
import { isEnterpriseCode, isPersonalId, parsePersonalId } from "../../../common/identifiers.ts";
import { formatDay } from "../../../sandbox/generate/dates.ts";
import { WINDOW_DAYS } from "../../../sandbox/generate/dossiers.ts";
import { PROGRAMS } from "../../../sandbox/generate/reporting.ts";
import { createWorld, type World } from "../../../sandbox/world.ts";

const TODAY = "2025-11-13";
let world: World;
/** A small commune, so exhaustive checks stay quick. */
let small: number;

beforeAll(() => {
  world = createWorld(TODAY);
  small = world.reference.communes.reduce(
    (best, _, c) => (world.population.size(c) < world.population.size(best) ? c : best),
    0,
  );
});

/** Spread samples over every commune: (commune, index within its range). */
function* samples(perCommune: number, size: (c: number) => number) {
  for (let c = 0; c < world.reference.communes.length; c++) {
    const n = size(c);
    for (let k = 0; k < perCommune && n > 0; k++)
      yield { c, index: Math.floor((((k * 7919 + c * 104_729) % 1_000_003) / 1_000_003) * n) };
  }
}

describe("citizens", () => {
  it("number about 100 million in plausible communes", () => {
    let total = 0;
    for (let c = 0; c < world.reference.communes.length; c++) {
      const size = world.population.size(c);
      expect(size).toBeGreaterThanOrEqual(1_000);
      expect(size).toBeLessThan(150_000);
      total += size;
    }
    expect(total).toBeGreaterThan(95_000_000);
    expect(total).toBeLessThan(105_000_000);
  });

  it("have valid personal ids that encode their gender, birth year and birth province, and invert", () => {
    let checked = 0;
    for (const { c, index } of samples(2, world.population.size)) {
      const citizen = world.population.citizen(c, index);
      const parsed = parsePersonalId(citizen.id);
      expect(isPersonalId(citizen.id), citizen.id).toBe(true);
      expect(parsed!.gender).toBe(citizen.gender);
      expect(parsed!.birthYear).toBe(Number(citizen.dateOfBirth.slice(0, 4)));
      expect(parsed!.birthProvinceCode).toBe(citizen.birthProvinceCode);
      const province = world.reference.provinceByCode.get(citizen.permanentResidence.provinceCode)!;
      expect(province.mergedFrom.map((old) => `0${old.code}`)).toContain(citizen.birthProvinceCode);
      expect(world.population.locate(citizen.id)).toEqual({ commune: c, index });
      expect(citizen.dateOfBirth <= TODAY).toBe(true);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(6_000);
  });

  it("give every index of a commune a distinct id", () => {
    const ids = new Set<string>();
    for (let index = 0; index < world.population.size(small); index++)
      ids.add(world.population.citizenId(small, index));
    expect(ids.size).toBe(world.population.size(small));
  });

  it("answer unknown for ids nobody holds", () => {
    expect(world.population.locate("040299000000")).toBeNull(); // born 2099
    // Few Nghệ An-registered women born in 1925 are alive: most of that bucket's serials are unused.
    let unused = 0;
    for (let serial = 0; serial < 2_000; serial++) {
      if (world.population.locate(`040125${String(serial).padStart(6, "0")}`) === null) unused += 1;
    }
    expect(unused).toBeGreaterThan(1_900);
  });

  it("agree with their commune's statistics", () => {
    const stats = world.population.communeStats(small);
    const n = world.population.size(small);
    expect(stats.total).toBe(n);
    let male = 0;
    const bands = stats.ageBands.map(() => 0);
    const today = new Date(`${TODAY}T00:00:00Z`);
    for (let index = 0; index < n; index++) {
      const citizen = world.population.citizen(small, index);
      if (citizen.gender === "MALE") male += 1;
      const born = new Date(`${citizen.dateOfBirth}T00:00:00Z`);
      let age = today.getUTCFullYear() - born.getUTCFullYear();
      if (
        today.getUTCMonth() < born.getUTCMonth() ||
        (today.getUTCMonth() === born.getUTCMonth() && today.getUTCDate() < born.getUTCDate())
      ) {
        age -= 1;
      }
      const band = stats.ageBands.findIndex(
        (each) => age >= each.fromAge && (each.toAge === null || age <= each.toAge),
      );
      bands[band]! += 1;
    }
    expect(male).toBe(stats.male);
    expect(stats.female).toBe(n - male);
    expect(bands).toEqual(stats.ageBands.map((band) => band.count));
  });

  it("live in households headed by an adult member", () => {
    const households = world.population.householdCount(small);
    let members = 0;
    for (let h = 0; h < households; h++) {
      const household = world.population.household(small, h);
      members += household.memberIds.length;
      expect(household.headId).toBe(household.memberIds[0]);
      const head = world.population.citizen(small, h);
      expect(head.id).toBe(household.headId);
      expect(head.householdId).toBe(household.id);
      expect(head.dateOfBirth < "2007-11-13").toBe(true);
      expect(world.population.locateHousehold(household.id)).toEqual({ commune: small, household: h });
    }
    expect(members).toBe(world.population.size(small));
  });
});

describe("enterprises", () => {
  it("have valid codes of their province that invert, and a representative of their commune", () => {
    let checked = 0;
    for (const { c, index } of samples(2, world.enterprises.count)) {
      const enterprise = world.enterprises.enterprise(c, index);
      expect(isEnterpriseCode(enterprise.code), enterprise.code).toBe(true);
      expect(enterprise.code.slice(0, 2)).toBe(enterprise.headOffice.provinceCode);
      expect(world.enterprises.locate(enterprise.code)).toEqual({ commune: c, index });
      const representative = world.population.locate(enterprise.representativeId)!;
      expect(representative.commune).toBe(c);
      expect(world.enterprises.representedBy(representative)).toContainEqual({ commune: c, index });
      expect(enterprise.foundedOn <= TODAY).toBe(true);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(6_000);
  });

  it("total about a million, and a commune's tally counts its enterprises", () => {
    let total = 0;
    for (let c = 0; c < world.reference.communes.length; c++) total += world.enterprises.count(c);
    expect(total).toBeGreaterThan(950_000);
    expect(total).toBeLessThan(1_050_000);
    const tally = world.enterprises.tally(small);
    const byStatus: Record<string, number> = {};
    let thisYear = 0;
    for (let index = 0; index < world.enterprises.count(small); index++) {
      const enterprise = world.enterprises.enterprise(small, index);
      byStatus[enterprise.status] = (byStatus[enterprise.status] ?? 0) + 1;
      if (enterprise.foundedOn.startsWith("2025")) thisYear += 1;
    }
    for (const [status, count] of Object.entries(tally.byStatus)) expect(byStatus[status] ?? 0).toBe(count);
    expect(tally.foundedByYear.get(2025) ?? 0).toBe(thisYear);
  });
});

describe("dossiers", () => {
  it("have timelines consistent with their status, on-time and overdue flags", () => {
    const [unit] = world.dossiers.unitsOf(world.reference.communes[small]!.code) as [number];
    const total = world.dossiers.dayPrefix(unit)[WINDOW_DAYS]!;
    const counted = {
      received: 0,
      resolved: 0,
      resolvedOnTime: 0,
      resolvedLate: 0,
      inProgress: 0,
      overdue: 0,
      online: 0,
      digitized: 0,
    };
    const endOfToday = `${TODAY}T23:59:59+07:00`;
    for (let position = 0; position < total; position++) {
      const ref = world.dossiers.refAt(unit, position);
      const dossier = world.dossiers.dossier(ref);
      expect(world.dossiers.locate(dossier.code)).toEqual(ref);
      expect(dossier.receivedAt < dossier.dueAt).toBe(true);
      const history = dossier.history.map((event) => event.at);
      expect([...history].sort()).toEqual(history);
      expect(dossier.history.at(-1)!.status).toBe(dossier.status);
      expect(history.at(-1)! <= endOfToday).toBe(true);
      const inProgress = ["RECEIVED", "PROCESSING", "SUPPLEMENT_REQUESTED", "PAYMENT_PENDING"].includes(
        dossier.status,
      );
      expect(dossier.overdue).toBe(inProgress && dossier.dueAt < endOfToday);
      if (dossier.resolvedAt === null) expect(dossier.onTime).toBeNull();
      else expect(dossier.onTime).toBe(dossier.resolvedAt <= dossier.dueAt);
      counted.received += 1;
      if (dossier.resolvedAt !== null) {
        counted.resolved += 1;
        if (dossier.onTime) counted.resolvedOnTime += 1;
        else counted.resolvedLate += 1;
      }
      if (inProgress) counted.inProgress += 1;
      if (dossier.overdue) counted.overdue += 1;
      if (dossier.channel === "ONLINE") counted.online += 1;
      if (dossier.digitized) counted.digitized += 1;
    }
    expect(total).toBeGreaterThan(100);
    expect(world.dossiers.counts([unit], 0, WINDOW_DAYS - 1)).toEqual(counted);
  });

  it("are found again from their applicant", () => {
    const units = [small, world.dossiers.unitsOf(world.reference.communes[small]!.provinceCode)[0]!];
    for (const unit of units) {
      const total = world.dossiers.dayPrefix(unit)[WINDOW_DAYS]!;
      for (let k = 0; k < 200; k++) {
        const ref = world.dossiers.refAt(unit, Math.floor((k * total) / 200));
        const { applicant, provinceCode, communeCode } = world.dossiers.dossier(ref);
        if (applicant.kind === "CITIZEN") {
          const citizen = world.population.locate(applicant.id)!;
          const home = world.reference.communes[citizen.commune]!;
          expect(home.provinceCode).toBe(provinceCode);
          if (communeCode) expect(home.code).toBe(communeCode);
          expect(world.dossiers.ofCitizen(citizen)).toContainEqual(ref);
        } else {
          const enterprise = world.enterprises.locate(applicant.id)!;
          expect(world.reference.communes[enterprise.commune]!.provinceCode).toBe(provinceCode);
          expect(world.dossiers.ofEnterprise(enterprise)).toContainEqual(ref);
        }
      }
    }
  });

  it("span the year up to today", () => {
    expect(formatDay(world.dossiers.firstDay + WINDOW_DAYS - 1)).toBe(TODAY);
  });
});

describe("reporting", () => {
  it("keeps task progress consistent with the task records", () => {
    const units = [
      ...world.reference.provinces.map((p) => p.code),
      ...world.reference.communes.slice(0, 50).map((c) => c.code),
    ];
    for (const unitCode of units) {
      for (const program of PROGRAMS) {
        const progress = world.reporting.progress(unitCode, program);
        const tasks = world.reporting.tasks(unitCode, program);
        expect(progress.assigned).toBe(progress.completed + progress.inProgress);
        expect(progress.overdue).toBeLessThanOrEqual(progress.inProgress);
        for (const task of tasks) {
          expect(world.reporting.task(task.id)).toEqual(task);
          if (task.status === "OVERDUE") expect(task.dueDate < TODAY).toBe(true);
          if (task.status === "COMPLETED") expect(task.completedOn! <= TODAY).toBe(true);
        }
      }
    }
  });

  it("splits service-index scores into components within their maxima", () => {
    for (const year of [2024, 2025]) {
      const ranking = world.reporting.serviceIndex(year);
      expect(ranking).toHaveLength(year === 2024 ? 63 : 34);
      for (const [k, entry] of ranking.entries()) {
        expect(entry.rank).toBe(k + 1);
        if (k > 0) expect(entry.score).toBeLessThan(ranking[k - 1]!.score);
        const sum = entry.components.reduce((acc, part) => acc + Math.round(part.score * 100), 0);
        expect(sum).toBe(Math.round(entry.score * 100));
        for (const part of entry.components) expect(part.score).toBeLessThanOrEqual(part.maxScore);
      }
    }
  });
});

describe("procedure catalogue", () => {
  it("has the 976 published procedures with distinct codes", () => {
    const codes = world.catalogue.procedures.map((procedure) => procedure.code);
    expect(codes).toHaveLength(976);
    expect(new Set(codes).size).toBe(976);
    expect(new Set(world.catalogue.procedures.map((p) => `${p.agency}:${p.name}`)).size).toBe(976);
  });
});

describe("determinism", () => {
  it("derives the same records in a fresh world", () => {
    const again = createWorld(TODAY);
    for (const { c, index } of samples(1, world.population.size)) {
      if (c % 97 !== 0) continue;
      expect(again.population.citizen(c, index)).toEqual(world.population.citizen(c, index));
      expect(again.enterprises.enterprise(c, 0)).toEqual(world.enterprises.enterprise(c, 0));
      const ref = world.dossiers.refAt(c, 0);
      expect(again.dossiers.dossier(ref)).toEqual(world.dossiers.dossier(ref));
      expect(again.dossiers.counts([c], 0, WINDOW_DAYS - 1)).toEqual(
        world.dossiers.counts([c], 0, WINDOW_DAYS - 1),
      );
    }
    expect(again.reporting.tasks("40", "RESOLUTION_57")).toEqual(
      world.reporting.tasks("40", "RESOLUTION_57"),
    );
  });
});
