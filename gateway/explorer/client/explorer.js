// The explorer in the browser: GraphiQL with the gateway's example operations as tabs and, in development, a panel
// that mints a local bearer token into the headers editor. Plain JavaScript with React's createElement, bundled by
// gateway/explorer/bundle.ts; everything it loads (scripts, styles, fonts, Monaco's workers) comes from this gateway.
import { useGraphiQL } from "@graphiql/react";
import { GraphiQL } from "graphiql";
import { createElement as h, useState } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";

/** Written into the page by the gateway (gateway/explorer/page.ts). */
const config = JSON.parse(document.getElementById("explorer-config").textContent);

// Monaco asks for a worker per language; the gateway serves each one as a classic script next to this bundle.
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const name = label === "json" || label === "graphql" ? label : "editor";
    return new Worker(`${config.assetsPath}/${name}.worker.js`);
  },
};

async function fetcher(params, options) {
  const response = await fetch(config.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...options?.headers,
    },
    body: JSON.stringify(params),
  });
  return response.json();
}

/** Replaces the headers editor's content with the token, keeping nothing else: a tab has one caller. */
function useSetBearer() {
  const headerEditor = useGraphiQL((state) => state.headerEditor);
  return (token) =>
    headerEditor?.setValue(
      `// Minted by the explorer for this development gateway; expires in an hour.\n${JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2)}\n`,
    );
}

function TokenPanel() {
  const setBearer = useSetBearer();
  const [scopes, setScopes] = useState(() => new Set(config.token.scopes));
  const [province, setProvince] = useState("40");
  const [commune, setCommune] = useState("");
  const [message, setMessage] = useState("");

  async function mint(event) {
    event.preventDefault();
    setMessage("Minting…");
    const response = await fetch(config.token.path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scopes: [...scopes], province: province || null, commune: commune || null }),
    });
    const answer = await response.json();
    if (!response.ok) return setMessage(answer.error);
    setBearer(answer.token);
    setMessage("The token is in the headers editor of this tab.");
  }

  const toggle = (scope) => (event) => {
    const next = new Set(scopes);
    if (event.target.checked) next.add(scope);
    else next.delete(scope);
    setScopes(next);
  };

  return h(
    "form",
    { className: "explorer-token", onSubmit: mint },
    h("div", { className: "graphiql-doc-explorer-title" }, "Development token"),
    h(
      "p",
      null,
      "Public figures need no token. Fields marked with scopes (a citizen's profile, dossiers) need a bearer token " +
        "whose scopes allow them, limited to its province or commune. Production gateways accept tokens from the " +
        "identity provider only; this one signs local tokens, like npm run token.",
    ),
    h(
      "fieldset",
      null,
      h("legend", null, "Scopes"),
      config.token.scopes.map((scope) =>
        h(
          "label",
          { key: scope },
          h("input", { type: "checkbox", checked: scopes.has(scope), onChange: toggle(scope) }),
          ` ${scope}`,
        ),
      ),
    ),
    h(
      "label",
      null,
      "Province code ",
      h("input", {
        name: "province",
        value: province,
        pattern: "\\d{2}",
        size: 4,
        onChange: (e) => setProvince(e.target.value),
      }),
    ),
    h(
      "label",
      null,
      "Commune code (optional) ",
      h("input", {
        name: "commune",
        value: commune,
        pattern: "\\d{5}",
        size: 7,
        onChange: (e) => setCommune(e.target.value),
      }),
    ),
    h("button", { type: "submit", className: "graphiql-button" }, "Mint token into headers"),
    h("p", { role: "status" }, message),
  );
}

const keyIcon = () =>
  h(
    "svg",
    { viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", strokeWidth: 1.5, "aria-hidden": true },
    h("circle", { cx: 8, cy: 15, r: 4 }),
    h("path", { d: "M11 12l8-8m-3 3l3 3m-6 0l2 2" }),
  );

// GraphiQL fills the editors of the first tab from its `initial*` props, not from `defaultTabs` (only the query is
// taken from there): a fresh visit passes the first example's variables and headers; a returning one keeps its tabs.
const firstVisit = localStorage.getItem("graphiql:tabState") === null;
const firstTab = firstVisit ? config.tabs[0] : undefined;

const plugins = config.token ? [{ title: "Development token", icon: keyIcon, content: TokenPanel }] : [];

createRoot(document.getElementById("explorer")).render(
  h(GraphiQL, {
    fetcher,
    defaultTabs: config.tabs,
    initialVariables: firstTab?.variables,
    initialHeaders: firstTab?.headers,
    plugins,
    defaultEditorToolsVisibility: "variables",
  }),
);
