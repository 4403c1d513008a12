/** Requests served per route template (platform routes only, so reading the stats does not move them). */
export interface RequestStats {
  count(template: string): void;
  snapshot(): { total: number; byEndpoint: Record<string, number> };
  reset(): void;
}

export function createRequestStats(): RequestStats {
  let total = 0;
  let byEndpoint = new Map<string, number>();
  return {
    count(template) {
      total += 1;
      byEndpoint.set(template, (byEndpoint.get(template) ?? 0) + 1);
    },
    snapshot: () => ({ total, byEndpoint: Object.fromEntries(byEndpoint) }),
    reset() {
      total = 0;
      byEndpoint = new Map();
    },
  };
}
