/**
 * Points every `@join__graph(name: "x", url: "...")` of a supergraph at `urls[x]`, so that all gateways are
 * given the very same composed schema, aimed at the subgraph processes the harness started.
 */
export function rewriteSubgraphUrls(sdl: string, urls: Record<string, string>): string {
  const seen = new Set<string>();
  const rewritten = sdl.replace(
    /@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"[^"]*"\s*\)/g,
    (whole, name: string) => {
      const url = urls[name];
      if (url === undefined) return whole;
      seen.add(name);
      return `@join__graph(name: "${name}", url: "${url}")`;
    },
  );
  const missing = Object.keys(urls).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`supergraph has no subgraph named ${missing.join(", ")}`);
  return rewritten;
}

/**
 * Apollo Gateway refuses to load a supergraph linking a `for: SECURITY` feature it cannot enforce (our
 * `@requiresScopes`). Its peer copy drops that purpose; benchmark requests are anonymous and never touch a
 * scoped field, so the answers are unchanged.
 */
export function withoutSecurityPurpose(sdl: string): string {
  return sdl.replace(/(@link\(\s*url:\s*"[^"]+")\s*,\s*for:\s*SECURITY\s*\)/g, "$1)");
}
