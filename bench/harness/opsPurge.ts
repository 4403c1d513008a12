/** Empties every cache of one of our gateways through its ops listener (`POST /ops/purge {"scope":"all"}`). */
export async function purgeAll(origin: string, opsToken: string): Promise<void> {
  const response = await fetch(`${origin}/ops/purge`, {
    method: "POST",
    headers: { authorization: `Bearer ${opsToken}`, "content-type": "application/json" },
    body: JSON.stringify({ scope: "all" }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`purge failed: ${response.status} ${text}`);
}
