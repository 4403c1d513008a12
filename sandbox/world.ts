import { dayOf, dayOfYmd, yearOfDay } from "./generate/dates.ts";
import { createDossiers, type Dossiers, dossierRates } from "./generate/dossiers.ts";
import { createEnterprises, type Enterprises } from "./generate/enterprises.ts";
import { createPopulation, type Population } from "./generate/population.ts";
import { type Catalogue, createCatalogue } from "./generate/procedures.ts";
import { createReporting, type MeasuredRates, type Reporting } from "./generate/reporting.ts";
import { loadReference, type Reference } from "./reference.ts";

/** Everything the platforms answer from: reference data plus the deterministic generators over it. */
export interface World {
  today: number;
  reference: Reference;
  /** Commune index (position in reference.communes) by code. */
  communeIndex: Map<string, number>;
  population: Population;
  enterprises: Enterprises;
  catalogue: Catalogue;
  dossiers: Dossiers;
  reporting: Reporting;
}

export function createWorld(todayDate: string): World {
  const today = dayOf(todayDate);
  const reference = loadReference();
  const population = createPopulation(reference, today);
  const enterprises = createEnterprises(reference, population, today);
  const catalogue = createCatalogue(reference);
  const dossiers = createDossiers(reference, { population, enterprises, catalogue }, today);
  const measuredRates: MeasuredRates = (unitCode, year) => {
    const from = dayOfYmd(year, 1, 1) - dossiers.firstDay;
    if (from < 0 || year > yearOfDay(today)) return null;
    const to = Math.min(today, dayOfYmd(year, 12, 31)) - dossiers.firstDay;
    return dossierRates(dossiers.counts(dossiers.unitsOf(unitCode), from, to));
  };
  return {
    today,
    reference,
    communeIndex: new Map(reference.communes.map((commune, c) => [commune.code, c])),
    population,
    enterprises,
    catalogue,
    dossiers,
    reporting: createReporting(reference, today, measuredRates),
  };
}
