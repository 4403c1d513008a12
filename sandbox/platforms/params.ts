import type { ParamSpec } from "../http/query.ts";
import { string } from "../http/schema.ts";

/** Query parameters several platforms accept, declared once so that they read and document alike. */

export const idsParam = (description: string, pattern?: string): ParamSpec => ({
  name: "ids",
  description,
  schema: string(pattern === undefined ? {} : { pattern }),
});

/** A filter by one unit code of `digits` digits; each endpoint says what it filters. */
const unitFilter =
  (name: string, digits: number) =>
  (description: string): ParamSpec => ({
    name,
    description,
    schema: string({ pattern: `^\\d{${digits}}$` }),
  });
export const provinceParam = unitFilter("province", 2);
export const communeParam = unitFilter("commune", 5);

export const NAME_CONTAINS_PARAM: ParamSpec = {
  name: "nameContains",
  description: "Name contains this text (case and accents ignored).",
  schema: string(),
};

/** The units a statistics endpoint answers for: a batch of codes of `digits` digits. */
const unitList = (name: string, digits: number, unit: string): ParamSpec => ({
  name,
  description: `Comma-separated ${digits}-digit ${unit} codes (≤ 500).`,
  schema: string({ pattern: `^\\d{${digits}}(,\\d{${digits}})*$` }),
});
export const PROVINCES_PARAM = unitList("provinces", 2, "province");
export const UNIT_PARAMS = [PROVINCES_PARAM, unitList("communes", 5, "commune")];
