import { htmlPage } from "../http/htmlPage.ts";
export const STATUS_PATH = "/status";
export const STATUS_JSON_PATH = "/status.json";
const REFRESH_MS = 5000;

/**
 * The status page: a static shell whose inline script polls /status.json and redraws. No data is in the HTML itself,
 * so the page may be shown to anyone who can reach it; the JSON is what the ops listener (or the ops token) guards.
 * On the public port the script asks for the ops token and keeps it in the tab's sessionStorage.
 */
export const STATUS_PAGE = htmlPage({
  title: "Liên Thông gateway status",
  head: `<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 64rem; padding: 0 1rem; color: #1d2733; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.muted { color: #5b6b7c; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e8ee; }
th { font-weight: 600; color: #5b6b7c; font-size: .85rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .75rem; font-size: .85rem; font-weight: 600; }
.good { background: #dff3e4; color: #17663a; } .warn { background: #fff1cc; color: #7a5200; } .bad { background: #fde0dd; color: #9b1c1c; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.chart { border: 1px solid #e3e8ee; border-radius: .5rem; padding: .5rem .75rem; }
svg { width: 100%; height: 70px; } polyline { fill: none; stroke: #2563eb; stroke-width: 1.5; }
.chart .muted::after { content: attr(data-max); }
#token[hidden], #report[hidden] { display: none; }
</style>`,
  body: `<h1>Liên Thông gateway status <span id="overall" class="badge"></span></h1>
<p class="muted" id="updated">Loading…</p>
<form id="token" hidden><p>This page reads the gateway's own metrics; on the public port it needs the ops token
(<code>OPS_TOKEN</code>). The ops listener (<code>OPS_PORT</code>) needs none.</p>
<input type="password" name="token" placeholder="ops token" autocomplete="off"> <button>Show status</button></form>
<div id="report" hidden>
<p id="supergraph"></p>
<h2>Subgraphs</h2>
<table><thead><tr><th>subgraph</th><th>health</th><th>circuit breaker</th></tr></thead><tbody id="subgraphs"></tbody></table>
<p>Redis: <span id="redis" class="badge"></span></p>
<h2>Traffic</h2>
<table><thead><tr><th>window</th><th>requests/s</th><th>p95</th><th>rate-limited</th>
<th>response cache hits</th><th>entity cache hits</th><th>APQ hits</th></tr></thead><tbody id="windows"></tbody></table>
<p class="muted" id="rejections"></p>
<div class="grid">
<div class="chart"><div class="muted">requests/s, last minutes</div><svg id="rate-chart" viewBox="0 0 300 70" preserveAspectRatio="none"></svg></div>
<div class="chart"><div class="muted">p95 (ms), last minutes</div><svg id="p95-chart" viewBox="0 0 300 70" preserveAspectRatio="none"></svg></div>
</div>
</div>
<script>
const $ = (id) => document.getElementById(id);
const tone = { ok: "good", ready: "good", closed: "good", degraded: "warn", "half-open": "warn" };
const badge = (text) => '<span class="badge ' + (tone[text] || "bad") + '">' + escape(text) + "</span>";
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
const percent = (ratio) => (ratio === null ? "–" : (ratio * 100).toFixed(1) + " %");
const number = (value, digits) => (value === null ? "–" : value.toFixed(digits));

function chart(svg, values) {
  const points = values.map((v) => v ?? 0);
  const max = Math.max(1e-9, ...points);
  const step = points.length > 1 ? 300 / (points.length - 1) : 0;
  svg.innerHTML = '<polyline points="' + points.map((v, i) => (i * step).toFixed(1) + "," + (68 - (v / max) * 64).toFixed(1)).join(" ") + '"/>';
  svg.previousElementSibling.dataset.max = points.length ? " (max " + max.toFixed(max < 10 ? 2 : 0) + ")" : "";
}

function render(report) {
  $("overall").outerHTML = '<span id="overall">' + badge(report.status) + "</span>";
  $("updated").textContent = "Updated " + new Date(report.at).toLocaleTimeString() + (report.reasons.length ? " · " + report.reasons.join("; ") : "");
  $("supergraph").innerHTML = report.supergraph
    ? "Supergraph <code>" + escape(report.supergraph.id.slice(0, 12)) + "</code>, loaded " + escape(new Date(report.supergraph.loadedAt).toLocaleString())
    : "No supergraph loaded";
  $("subgraphs").innerHTML = report.subgraphs.map((s) =>
    '<tr data-subgraph="' + escape(s.name) + '" data-health="' + escape(s.health) + '" data-breaker="' + escape(s.breaker) + '"><td>' +
    escape(s.name) + "</td><td>" + badge(s.health) + "</td><td>" + badge(s.breaker) + "</td></tr>").join("");
  $("redis").outerHTML = '<span id="redis">' + badge(report.redis) + "</span>";
  $("windows").innerHTML = Object.entries(report.windows).map(([name, w]) =>
    "<tr><td>last " + escape(name) + "</td><td>" + number(w.requestsPerSecond, 2) + "</td><td>" + (w.p95Ms === null ? "–" : number(w.p95Ms, 0) + " ms") +
    "</td><td>" + w.rateLimitRejections + "</td><td>" + percent(w.cacheHitRatio.response) + "</td><td>" + percent(w.cacheHitRatio.entity) +
    "</td><td>" + percent(w.cacheHitRatio.apq) + "</td></tr>").join("");
  $("rejections").textContent = "Rate-limit rejections since start: " + report.rateLimitRejectionsTotal;
  chart($("rate-chart"), report.series.map((s) => s.requestsPerSecond));
  chart($("p95-chart"), report.series.map((s) => s.p95Ms));
}

async function refresh() {
  const token = sessionStorage.getItem("opsToken");
  try {
    const response = await fetch("${STATUS_JSON_PATH}", { headers: token ? { authorization: "Bearer " + token } : {} });
    if (response.status === 401 || response.status === 404) {
      $("token").hidden = false;
      $("report").hidden = true;
      $("updated").textContent = token ? "The ops token was refused." : "";
      return;
    }
    render(await response.json());
    $("token").hidden = true;
    $("report").hidden = false;
  } catch (error) {
    $("updated").textContent = "Gateway unreachable: " + error.message;
  }
}

$("token").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("opsToken", new FormData(event.target).get("token"));
  refresh();
});
refresh();
setInterval(refresh, ${REFRESH_MS});
</script>`,
});
