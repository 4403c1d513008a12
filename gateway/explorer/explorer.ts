import type { HttpRoute } from "../http/routes.ts";
import { createExplorerBundle, EXPLORER_ASSET_NAMES } from "./bundle.ts";
import { type ExampleTab, loadExampleTabs } from "./examples.ts";
import { ASSETS_PATH, renderExplorerOffPage, renderExplorerPage } from "./page.ts";
import { createTokenRoute, TOKEN_PATH } from "./tokenRoute.ts";

export interface ExplorerOptions {
  /** EXPLORER and introspection both on. */
  enabled: boolean;
  graphqlPath: string;
  operationsDir: string;
  /** The local HS256 signer for the token panel; null outside development or with JWKS-only authentication. */
  signing: { secret: string; issuer: string | null; audience: string | null } | null;
  /** The served supergraph's SDL, for the scopes the token panel offers. */
  supergraphSdl: () => string | null;
}

export interface Explorer {
  /** The HTML for `/` and for browsers at `GET /graphql`, given the origin they used. */
  page(origin: string): Promise<string>;
  /** The bundle's files and, with a signer, the token endpoint; none when the explorer is off. */
  routes: HttpRoute[];
}

const ASSET_CACHE_CONTROL = "public, max-age=300";

/** The scopes `@requiresScopes` names in the supergraph: the ones worth putting in a token. */
export function scopesOf(sdl: string): string[] {
  const scopes = new Set<string>();
  for (const [, list] of sdl.matchAll(/@requiresScopes\(scopes: (\[\[[^)]*\]\])\)/g)) {
    for (const [, scope] of list!.matchAll(/"([^"]+)"/g)) scopes.add(scope!);
  }
  return [...scopes].sort();
}

/** GraphiQL served by the gateway itself, with the example operations as tabs (see client/explorer.js). */
export function createExplorer(options: ExplorerOptions): Explorer {
  if (!options.enabled) {
    return { page: async (origin) => renderExplorerOffPage(`${origin}${options.graphqlPath}`), routes: [] };
  }
  const assets = createExplorerBundle();
  let tabs: Promise<ExampleTab[]> | null = null;

  const assetRoutes: HttpRoute[] = EXPLORER_ASSET_NAMES.map((name) => ({
    method: "GET",
    path: `${ASSETS_PATH}/${name}`,
    async handle() {
      const asset = (await assets()).get(name)!;
      return { status: 200, ...asset, headers: { "cache-control": ASSET_CACHE_CONTROL } };
    },
  }));

  return {
    async page() {
      tabs ??= loadExampleTabs(options.operationsDir, options.signing !== null);
      const sdl = options.supergraphSdl();
      return renderExplorerPage({
        endpoint: options.graphqlPath,
        assetsPath: ASSETS_PATH,
        tabs: await tabs,
        token: options.signing ? { path: TOKEN_PATH, scopes: sdl ? scopesOf(sdl) : [] } : null,
      });
    },
    routes: options.signing ? [...assetRoutes, createTokenRoute(options.signing)] : assetRoutes,
  };
}
