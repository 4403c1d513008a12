/**
 * A GraphQL GET's parameters as the body a POST would carry (`variables` and `extensions` are JSON in the URL), for
 * the edge's response cache; null when one of them is not JSON, which Apollo Server answers itself.
 */
export function getRequestBody(search: URLSearchParams): Record<string, unknown> | null {
  const body: Record<string, unknown> = {};
  const query = search.get("query");
  if (query !== null) body.query = query;
  const operationName = search.get("operationName");
  if (operationName !== null) body.operationName = operationName;
  for (const name of ["variables", "extensions"] as const) {
    const text = search.get(name);
    if (text === null) continue;
    try {
      body[name] = JSON.parse(text);
    } catch {
      return null;
    }
  }
  return body;
}

/**
 * Apollo Server's CSRF prevention lets a GET through with a non-simple content type or a non-empty preflight header;
 * the edge answers only the second kind and leaves every other GET to Apollo Server, which refuses or serves it.
 */
export function hasPreflightHeader(headers: Record<string, string | string[] | undefined>): boolean {
  return ["apollo-require-preflight", "x-apollo-operation-name"].some((name) => {
    const value = headers[name];
    return typeof value === "string" && value.length > 0;
  });
}
