/**
 * Subgraph fetches our gateway has sent so far, from its Prometheus text (GET /metrics with the ops token): the
 * count of `lienthong_gateway_subgraph_fetch_duration_seconds`, timed around every fetch that leaves the gateway
 * (a fetch-cache hit is not one), summed over subgraphs.
 */
export async function readSubgraphFetches(gatewayOrigin: string, opsToken: string): Promise<number> {
  const response = await fetch(`${gatewayOrigin}/metrics`, {
    headers: { authorization: `Bearer ${opsToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /metrics → ${response.status}: ${text.slice(0, 200)}`);
  return subgraphFetchesIn(text);
}

const SERIES = "lienthong_gateway_subgraph_fetch_duration_seconds_count";

export function subgraphFetchesIn(prometheusText: string): number {
  let total = 0;
  for (const line of prometheusText.split("\n")) {
    if (!line.startsWith(`${SERIES}{`) && !line.startsWith(`${SERIES} `)) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}
