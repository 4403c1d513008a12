import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** One GraphiQL tab, as its `defaultTabs` prop takes it. */
export interface ExampleTab {
  query: string;
  variables: string;
  headers: string;
}

/**
 * The operations of schema/operations/ in the order a newcomer reads them, with variables that exist in the
 * simulated platforms: Nghệ An (40), its ward Thành Vinh (16681), a dossier filed there and one of its residents.
 */
const EXAMPLES: { name: string; variables: Record<string, string> | null; scopes: string | null }[] = [
  { name: "ProvinceDashboard", variables: { code: "40" }, scopes: null },
  { name: "CommunePortal", variables: { commune: "16681", dossier: "H16681-241113-0000" }, scopes: null },
  { name: "NationalOverview", variables: null, scopes: null },
  { name: "CitizenProfile", variables: { id: "040025564807" }, scopes: "population:read dossier:read" },
];

/** JSONC, which GraphiQL's headers editor accepts: the comment is the documentation of the bearer token. */
function headersFor(scopes: string | null, canMint: boolean): string {
  const how = canMint
    ? `// Make one with the key icon in the left bar (development only), or: npm run token -- --scope "${scopes ?? "population:read"}" --province 40`
    : "// Ask your identity provider for one; a gateway in production accepts no other.";
  const need = scopes
    ? `// This operation reads personal data: it needs a bearer token with the scopes "${scopes}",\n// for the province (or commune) of the person it asks about.`
    : "// Public statistics need no token. Fields behind scopes (people, dossiers) need a bearer token:";
  return `${need}\n${how}\n{\n  // "Authorization": "Bearer <token>"\n}\n`;
}

/** Reads the example operations once; a missing file drops its tab rather than the explorer. */
export async function loadExampleTabs(operationsDir: string, canMint: boolean): Promise<ExampleTab[]> {
  const tabs = await Promise.all(
    EXAMPLES.map(async ({ name, variables, scopes }) => {
      const query = await readFile(join(operationsDir, `${name}.graphql`), "utf8").catch(() => null);
      if (query === null) return null;
      return {
        query,
        variables: variables ? JSON.stringify(variables, null, 2) : "",
        headers: headersFor(scopes, canMint),
      };
    }),
  );
  return tabs.filter((tab) => tab !== null);
}
