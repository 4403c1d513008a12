// One HTTP answer of a gateway, as the client got it: the status and the body's exact bytes.
export interface Answer {
  status: number;
  body: string;
}

const QUERY_TIMEOUT_MS = 60_000;

/** POSTs a GraphQL request as the audit's client does; a request that fails outright is an answer with status 0. */
export async function postQuery(
  url: string,
  request: { query: string; variables?: unknown },
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: `request failed: ${(error as Error).message}` };
  }
}

export const sameAnswer = (a: Answer, b: Answer) => a.status === b.status && a.body === b.body;
