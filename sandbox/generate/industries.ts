import { readDataFile } from "../reference.ts";
import { cumulative } from "./prng.ts";

/**
 * VSIC 2018 level-4 industries used by the generated registry, with the words enterprises put in their
 * names and a relative frequency (trade, construction and services dominate the real registry).
 */
export interface Industry {
  code: string;
  name: string;
  /** The word an enterprise in this industry puts in its name. */
  nameWord: string;
  englishWord: string;
  weight: number;
}

export const INDUSTRIES: readonly Industry[] = readDataFile<Industry[]>("industries.json");

export const INDUSTRY_WEIGHTS = cumulative(INDUSTRIES.map((industry) => industry.weight));
