// The IOC dashboard: one province, asked for every few seconds with the persisted ProvinceDashboard operation.
// URL parameters: ?province=40 (the province shown) and ?refresh=5 (seconds between answers), so a wall screen
// can be bookmarked.
import { otherProblems, PLATFORMS, platformsDown, provinceToShow } from "./answer.js";
import { createCommuneTable } from "./communeTable.js";
import { createDossierChart } from "./dossierChart.js";
import { formatClock } from "./format.js";
import { renderPanels } from "./panels.js";
import { createPersistedOperation } from "./persistedQuery.js";
import { PROVINCES } from "./provinces.js";

/** The gateway's GraphQL endpoint; an IOC hosting this page elsewhere points it at its gateway. */
const ENDPOINT = "/graphql";
const OPERATION = "ProvinceDashboard";

const params = new URLSearchParams(location.search);
const state = {
  code: PROVINCES.some(([code]) => code === params.get("province")) ? params.get("province") : "40",
  refreshMs: Math.max(1, Number(params.get("refresh")) || 5) * 1000,
  token: "",
  /** The last answer that carried the province, and when it came. */
  last: null,
  /** The latest answer's transport facts, for the status line. */
  latest: null,
  /** Bumped on every change of province or token, so an answer to an older question is dropped. */
  generation: 0,
  timer: 0,
};

const $ = (selector) => document.querySelector(selector);
const chart = createDossierChart($("#chart"));
const table = createCommuneTable($("#communes"), (communes) => chart.update(communes));

const select = $("#province");
select.append(...PROVINCES.map(([code, name]) => new Option(`${name} (${code})`, code)));
select.value = state.code;
select.addEventListener("change", () => {
  state.code = select.value;
  state.last = null;
  const url = new URL(location.href);
  url.searchParams.set("province", state.code);
  history.replaceState(null, "", url);
  refreshNow();
});
$("#token").addEventListener("change", (event) => {
  state.token = event.target.value.trim();
  refreshNow();
});

const manifest = await (await fetch("manifest.json")).json();
const runDashboard = createPersistedOperation({
  endpoint: ENDPOINT,
  operation: manifest.operations.find((operation) => operation.name === OPERATION),
});

async function refresh() {
  const generation = state.generation;
  const variables = { code: state.code };
  let result;
  try {
    result = await runDashboard(variables, state.token);
  } catch (error) {
    result = { body: null, failure: error.message, receivedAt: Date.now() };
  }
  if (generation !== state.generation) return;
  show(result);
  state.timer = setTimeout(refresh, state.refreshMs);
}

function refreshNow() {
  clearTimeout(state.timer);
  state.generation += 1;
  refresh();
}

function show(result) {
  const answered = result.body?.data?.province ?? null;
  const errors = result.body?.errors ?? [];
  const down = platformsDown(errors);
  if (answered) state.last = { province: answered, receivedAt: result.receivedAt };
  state.latest = result;
  const shown = provinceToShow(answered, down, state.last?.province ?? null);

  $("#province-name").textContent = shown.province?.name ?? select.selectedOptions[0].text;
  $("#commune-count").textContent = shown.province?.communes.length ?? "";
  renderPanels(document, shown, down, state.last?.receivedAt ?? null);
  table.update(shown.province?.communes ?? []);
  showBanner(result, answered, down, shown);
  showStatus();
}

function showBanner(result, answered, down, shown) {
  const lines = [...down].map(
    (platform) => `${PLATFORMS[platform] ?? platform} (${platform}) is unavailable.`,
  );
  if (result.failure) lines.push(`The gateway did not answer: ${result.failure}`);
  else if (result.body && !answered && !result.body.errors)
    lines.push(`No province ${state.code} in the answer.`);
  lines.push(...otherProblems(result.body?.errors));
  if (shown.stale) {
    lines.push(
      `This answer carried no province, so the other figures are those received at ${formatClock(state.last.receivedAt)}.`,
    );
  }
  const banner = $("#banner");
  banner.hidden = lines.length === 0;
  banner.textContent = lines.join(" ");
}

/** Cache status and age of the latest answer; called every second so the age keeps counting. */
function showStatus() {
  const latest = state.latest;
  if (!latest) return;
  const age = Math.round((Date.now() - latest.receivedAt) / 1000);
  const parts = latest.failure
    ? [`no answer (${latest.failure})`]
    : [
        `GET ${OPERATION} → HTTP ${latest.status}`,
        `x-cache: ${latest.cache ?? "none"}`,
        latest.maxAge === null ? "not cacheable" : `cacheable ${latest.maxAge} s more`,
        ...(latest.registered ? ["operation registered with the gateway (one POST)"] : []),
      ];
  parts.push(`received ${formatClock(latest.receivedAt)}, ${age} s ago`);
  $("#answer-status").textContent = parts.join(" · ");
}

setInterval(showStatus, 1000);
refreshNow();
