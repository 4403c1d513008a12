import { escapeHtml, htmlPage } from "../http/htmlPage.ts";
import type { ExampleTab } from "./examples.ts";

export const ASSETS_PATH = "/explorer/assets";

/** What the client script reads from the page (gateway/explorer/client/explorer.js). */
export interface ExplorerPageConfig {
  endpoint: string;
  assetsPath: string;
  tabs: ExampleTab[];
  /** The token panel; null outside development. */
  token: { path: string; scopes: string[] } | null;
}

/** The explorer's HTML shell: GraphiQL's bundle does the rest. */
export function renderExplorerPage(config: ExplorerPageConfig): string {
  // In a <script> element only `</script` (and `<!--`) can end the JSON early: no `<` survives as itself.
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  return htmlPage({
    title: "Liên Thông GraphQL explorer",
    head: `<link rel="stylesheet" href="${ASSETS_PATH}/explorer.css">
<style>
body { margin: 0; }
#explorer { height: 100vh; }
.explorer-token { display: flex; flex-direction: column; gap: .75rem; font-size: var(--font-size-body); }
.explorer-token fieldset { display: flex; flex-direction: column; gap: .25rem; border: 1px solid hsla(var(--color-neutral), .15); }
.explorer-token input:not([type=checkbox]) { font: inherit; padding: .25rem; }
</style>`,
    body: `<div id="explorer"></div>
<script id="explorer-config" type="application/json">${json}</script>
<script src="${ASSETS_PATH}/explorer.js"></script>`,
  });
}

/** `/` when the explorer is off: where GraphQL is, and why there is no explorer. */
export function renderExplorerOffPage(endpoint: string): string {
  const sample = escapeHtml(
    `curl -s ${endpoint} -H 'content-type: application/json' -d '{"query":"{ __typename }"}'`,
  );
  return htmlPage({
    title: "Liên Thông GraphQL gateway",
    head: `<style>body { font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
pre { background: #f4f4f4; padding: 1rem; overflow-x: auto; }</style>`,
    body: `<h1>Liên Thông GraphQL gateway</h1>
<p><strong>The explorer is off on this gateway</strong>: it needs introspection, which is off here (the production
default; <code>INTROSPECTION=on</code> and <code>EXPLORER=on</code> turn both on).</p>
<p>GraphQL answers <code>POST ${escapeHtml(endpoint)}</code> with <code>Content-Type: application/json</code>:</p>
<pre>${sample}</pre>`,
  });
}
