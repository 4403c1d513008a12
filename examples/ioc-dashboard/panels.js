// The headline panels, the chart's and the table's: their figures, and whether they are fresh, stale or unavailable.
import { PLATFORMS } from "./answer.js";
import { formatClock, formatInteger, formatPercent } from "./format.js";

/** The field of the answered province each panel shows; a null field makes the panel unavailable. */
const PANEL_FIELDS = {
  population: "populationStats",
  enterprises: "enterpriseStats",
  dossiers: "dossierStats",
  resolution57: "resolution57",
  plan02: "plan02",
  chart: "dossierStats",
  communes: "communes",
};

const RATES = new Set(["completionRate", "onTimeRate", "onlineRate"]);

/**
 * @param {ParentNode} root
 * @param {{ province: object | null, stale: boolean }} shown what provinceToShow() chose
 * @param {Set<string>} down platforms the latest answer reports as down
 * @param {number | null} shownAt when the shown province was received
 */
export function renderPanels(root, { province, stale }, down, shownAt) {
  for (const element of root.querySelectorAll("[data-figure]")) {
    const [panel, name] = element.dataset.figure.split(".");
    const value = province?.[PANEL_FIELDS[panel]]?.[name];
    element.textContent = RATES.has(name) ? formatPercent(value) : formatInteger(value);
  }
  for (const panel of root.querySelectorAll("[data-panel]")) {
    const { platform } = panel.dataset;
    const available = province?.[PANEL_FIELDS[panel.dataset.panel]] != null;
    panel.dataset.state = !available ? "unavailable" : stale ? "stale" : "fresh";
    panel.querySelector(".note").textContent = !available
      ? `${down.has(platform) ? PLATFORMS[platform] : "Figures"} unavailable`
      : stale
        ? `As of ${formatClock(shownAt)}`
        : "";
  }
}
