// Reading a ProvinceDashboard answer: which platforms failed, and what the page can still show.
//
// The contract (SCHEMA.md, "Failure isolation") makes each platform's statistics nullable, so one platform's outage
// answers null for its own figures only. A supergraph that still declares them non-null loses the whole province
// instead (`province: null`); the page then keeps the last province it received, with the failed platform's
// figures blanked, and says how old the rest is.

/** The platforms behind the subgraphs, named as an IOC operator knows them. */
export const PLATFORMS = {
  population: "Population database",
  business: "Business registry",
  procedures: "Dossier settlement system",
  reporting: "Government reporting system",
};

/** The statistics each platform contributes to a province and to each of its communes. */
const STATISTICS = { populationStats: "population", enterpriseStats: "business", dossierStats: "procedures" };

// SUBGRAPH_UNAVAILABLE names the subgraph that did not answer, UPSTREAM_UNAVAILABLE the platform a subgraph could
// not reach; here both mean "that platform's figures are missing".
const OUTAGE_CODES = new Set(["SUBGRAPH_UNAVAILABLE", "UPSTREAM_UNAVAILABLE"]);

/** Platforms the answer's errors report as down. */
export function platformsDown(errors = []) {
  const down = new Set();
  for (const { extensions = {} } of errors) {
    const name = extensions.platform ?? extensions.subgraph;
    if (OUTAGE_CODES.has(extensions.code) && name) down.add(name);
  }
  return down;
}

/** One line per distinct error that is not an outage (an expired token, a rate limit…), for the banner. */
export function otherProblems(errors = []) {
  const lines = errors
    .filter((error) => !OUTAGE_CODES.has(error.extensions?.code))
    .map((error) => `${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  return [...new Set(lines)];
}

/**
 * The province to show: the one answered; or, when the answer brought none, the last one answered with the
 * statistics of every platform now down blanked (`stale`). Null when there is nothing honest to show: no earlier
 * answer, or the reporting system (which owns the province and its communes) is the one down.
 */
export function provinceToShow(answered, down, lastAnswered) {
  if (answered) return { province: answered, stale: false };
  if (!lastAnswered || down.has("reporting")) return { province: null, stale: false };
  return { province: withoutStatisticsOf(lastAnswered, down), stale: true };
}

function withoutStatisticsOf(province, down) {
  const blank = (unit) => {
    const copy = { ...unit };
    for (const [field, platform] of Object.entries(STATISTICS)) if (down.has(platform)) copy[field] = null;
    return copy;
  };
  return { ...blank(province), communes: province.communes.map(blank) };
}
