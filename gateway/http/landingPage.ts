import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

interface ExampleOperation {
  name: string;
  text: string;
}

async function loadOperations(dir: string): Promise<ExampleOperation[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(
    files
      .filter((file) => file.endsWith(".graphql"))
      .sort()
      .map(async (file) => ({
        name: file.replace(/\.graphql$/, ""),
        text: await readFile(join(dir, file), "utf8"),
      })),
  );
}

/**
 * A small self-contained page for browsers at / and GET /graphql, replacing Apollo's landing page (which
 * loads its explorer from Apollo's CDN): what the endpoint is and the example operations; no scripts, nothing
 * fetched from anywhere. Called with the origin the browser used, so the sample curl works as shown.
 */
export function createLandingPage(options: { operationsDir: string; graphqlPath: string }) {
  let operations: Promise<ExampleOperation[]> | null = null;
  return async (origin: string) => {
    operations ??= loadOperations(options.operationsDir);
    return render(await operations, `${origin}${options.graphqlPath}`);
  };
}

function render(operations: ExampleOperation[], endpoint: string): string {
  const sample = JSON.stringify({ query: "{ __typename }" });
  const sections = operations
    .map(
      ({ name, text }) =>
        `<h3 id="${escapeHtml(name)}">${escapeHtml(name)}</h3>\n<pre>${escapeHtml(text.trim())}</pre>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Liên Thông GraphQL gateway</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
pre { background: #f4f4f4; padding: 1rem; overflow-x: auto; }
code { background: #f4f4f4; padding: 0 .2rem; }
</style>
</head>
<body>
<h1>Liên Thông GraphQL gateway</h1>
<p>One GraphQL endpoint over the national platforms: <code>POST ${escapeHtml(endpoint)}</code>
with <code>Content-Type: application/json</code> (GET with <code>?query=</code> works for queries when the request carries
<code>apollo-require-preflight: true</code>, the CSRF guard).</p>
<pre>curl -s ${escapeHtml(endpoint)} -H 'content-type: application/json' -d '${escapeHtml(sample)}'</pre>
<p>Health: <a href="/health">/health</a> · readiness: <a href="/ready">/ready</a> · metrics: <a href="/metrics">/metrics</a></p>
<h2>Example operations</h2>
<ul>${operations.map(({ name }) => `<li><a href="#${escapeHtml(name)}">${escapeHtml(name)}</a></li>`).join("")}</ul>
${sections}
</body>
</html>
`;
}
