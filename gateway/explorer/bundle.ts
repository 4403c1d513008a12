import { build } from "esbuild";

export interface Asset {
  contentType: string;
  body: Buffer;
}

const CLIENT_ENTRY = new URL("./client/explorer.js", import.meta.url).pathname;

/** Monaco runs each language service in a web worker; served as classic scripts under these names. */
const WORKER_ENTRIES = {
  "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
  "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
  "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
};

/** The files the bundle holds, known before it is built so their routes can be. */
export const EXPLORER_ASSET_NAMES = [
  "explorer.js",
  "explorer.css",
  ...Object.keys(WORKER_ENTRIES).map((name) => `${name}.js`),
];

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/**
 * GraphiQL, React and Monaco bundled from node_modules into a few files held in memory: built once, on the first
 * request for the explorer, so a gateway that never serves it never pays for it, and nothing is ever fetched from a
 * CDN. Fonts are inlined into the stylesheet. Keyed by file name (`explorer.js`, `explorer.css`, `json.worker.js`…).
 */
export function createExplorerBundle(): () => Promise<Map<string, Asset>> {
  let assets: Promise<Map<string, Asset>> | null = null;
  return () => {
    assets ??= bundle().catch((error: unknown) => {
      // A failed build is retried on the next request rather than cached.
      assets = null;
      throw error;
    });
    return assets;
  };
}

async function bundle(): Promise<Map<string, Asset>> {
  const result = await build({
    entryPoints: { explorer: CLIENT_ENTRY, ...WORKER_ENTRIES },
    bundle: true,
    write: false,
    outdir: "/explorer",
    // Classic scripts: the page loads one <script>, and Monaco starts workers with `new Worker(url)`.
    format: "iife",
    minify: true,
    target: "es2022",
    loader: { ".ttf": "dataurl" },
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  return new Map(
    result.outputFiles.map((file) => {
      const name = file.path.slice("/explorer/".length);
      const extension = name.slice(name.lastIndexOf("."));
      return [name, { contentType: CONTENT_TYPES[extension]!, body: Buffer.from(file.contents) }];
    }),
  );
}
