import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { validateSatisfiability } from "@apollo/composition";
import type { SupergraphSdlHook, SupergraphSdlUpdateFunction } from "@apollo/gateway";
import { Kind, parse, print, visit } from "graphql";
import { internSchemaNames } from "../../common/oneByteNames.ts";
import type { Logger } from "../observability/logger.ts";

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

export interface LoadedSupergraph {
  /** The SDL as handed to @apollo/gateway (see acceptEnforcedSecurityFeatures). */
  sdl: string;
  /** sha256 of the SDL, logged on every (re)load. */
  id: string;
  subgraphs: SubgraphEndpoint[];
  /** Held so that the supergraph's names stay one-byte (see internSchemaNames). */
  names: Readonly<Record<string, true>>;
}

export type ReloadResult =
  | { status: "updated"; id: string }
  | { status: "unchanged"; id: string }
  | { status: "refused"; reason: string };

const WATCH_DEBOUNCE_MS = 100;

/**
 * A supergraph links `@authenticated` / `@requiresScopes` `for: SECURITY`, which tells a gateway that does not
 * enforce them to refuse the supergraph, and @apollo/gateway does not. When our own plugins enforce a feature
 * (the auth feature does, from the same SDL), its link loses the `for: SECURITY` mark so the gateway accepts
 * it; any other security feature still makes the gateway refuse.
 */
export function acceptEnforcedSecurityFeatures(sdl: string, enforced: readonly string[]): string {
  if (enforced.length === 0) return sdl;
  let changed = false;
  const document = visit(parse(sdl), {
    Directive(node) {
      if (node.name.value !== "link") return undefined;
      const url = node.arguments?.find((a) => a.name.value === "url")?.value;
      const purpose = node.arguments?.find((a) => a.name.value === "for")?.value;
      if (url?.kind !== Kind.STRING || purpose?.kind !== Kind.ENUM || purpose.value !== "SECURITY")
        return undefined;
      if (!enforced.some((feature) => url.value.startsWith(`${feature}/`))) return undefined;
      changed = true;
      return { ...node, arguments: node.arguments?.filter((a) => a.name.value !== "for") };
    },
  });
  return changed ? print(document) : sdl;
}

/**
 * Parses a supergraph SDL and checks it the way composition would (every query is satisfiable across the
 * subgraphs), so a broken file never reaches the gateway.
 */
export function validateSupergraph(
  original: string,
  enforcedSecurityFeatures: readonly string[] = [],
): LoadedSupergraph {
  // First, from the file's own text: graphql-js's print below can return a two-byte copy too.
  const names = internSchemaNames(original);
  const sdl = acceptEnforcedSecurityFeatures(original, enforcedSecurityFeatures);
  const subgraphs = subgraphEndpoints(sdl);
  if (subgraphs.length === 0) throw new Error("no join__Graph values: not a Federation 2 supergraph");
  const { errors } = validateSatisfiability({ supergraphSdl: sdl });
  if (errors && errors.length > 0) throw new Error(errors.map((error) => error.message).join("; "));
  return { sdl, id: createHash("sha256").update(original).digest("hex").slice(0, 16), subgraphs, names };
}

/** Subgraph names and URLs from the supergraph's `enum join__Graph { X @join__graph(name:, url:) }`. */
export function subgraphEndpoints(sdl: string): SubgraphEndpoint[] {
  const document = parse(sdl);
  const endpoints: SubgraphEndpoint[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== "join__Graph") continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === "join__graph");
      const argument = (name: string) => {
        const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
        return node?.kind === Kind.STRING ? node.value : null;
      };
      const name = argument("name");
      const url = argument("url");
      if (name && url) endpoints.push({ name, url });
    }
  }
  return endpoints;
}

/**
 * The supergraph as @apollo/gateway's `supergraphSdl` hook: the file at start, then every valid change of
 * the file pushed through the gateway's `update` callback. An invalid file is logged and ignored; the
 * gateway keeps serving the last good one.
 */
export function createSupergraphSource(options: {
  path: string;
  watch: boolean;
  logger: Logger;
  /** Spec URLs without version (https://specs.apollo.dev/requiresScopes) that our plugins enforce. */
  enforcedSecurityFeatures: readonly string[];
}) {
  const { path, logger } = options;
  let current: LoadedSupergraph | null = null;
  let update: SupergraphSdlUpdateFunction | null = null;
  let watcher: FSWatcher | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let reloading: Promise<ReloadResult> = Promise.resolve({ status: "unchanged", id: "" });

  async function readValidated(): Promise<LoadedSupergraph> {
    return validateSupergraph(await readFile(path, "utf8"), options.enforcedSecurityFeatures);
  }

  async function reloadOnce(): Promise<ReloadResult> {
    let next: LoadedSupergraph;
    try {
      next = await readValidated();
    } catch (error) {
      const reason = (error as Error).message;
      logger.error({ path, reason }, "supergraph change refused; still serving the previous one");
      return { status: "refused", reason };
    }
    if (next.id === current?.id) return { status: "unchanged", id: next.id };
    try {
      update?.(next.sdl);
    } catch (error) {
      const reason = (error as Error).message;
      logger.error({ path, reason }, "gateway refused the supergraph; still serving the previous one");
      return { status: "refused", reason };
    }
    current = next;
    logger.info({ path, id: next.id, subgraphs: next.subgraphs.map((s) => s.name) }, "supergraph reloaded");
    return { status: "updated", id: next.id };
  }

  /** Reloads serialised, so a burst of file events applies in order. */
  function reload(): Promise<ReloadResult> {
    reloading = reloading.then(reloadOnce, reloadOnce);
    return reloading;
  }

  const hook: SupergraphSdlHook = async (hookOptions) => {
    current = await readValidated();
    update = hookOptions.update;
    logger.info(
      { path, id: current.id, subgraphs: current.subgraphs.map((s) => s.name) },
      "supergraph loaded",
    );
    if (options.watch) {
      // Watch the directory, not the file: editors and `mv` replace the file, which ends a file watch.
      watcher = watch(dirname(path), (_event, filename) => {
        if (filename !== basename(path)) return;
        if (debounce) clearTimeout(debounce);
        debounce = setTimeout(() => void reload(), WATCH_DEBOUNCE_MS);
      });
    }
    return {
      supergraphSdl: current.sdl,
      cleanup: async () => {
        watcher?.close();
        if (debounce) clearTimeout(debounce);
        update = null;
      },
    };
  };

  return {
    hook,
    reload,
    current: () => current,
  };
}

export type SupergraphSource = ReturnType<typeof createSupergraphSource>;
