export interface SingleFlight {
  /**
   * Runs `fn` unless a call with the same key is already in flight, in which case its promise is shared.
   * `joined` tells the caller whether it got another caller's result.
   */
  run<T>(key: string, fn: () => Promise<T>): Promise<{ value: T; joined: boolean }>;
}

export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    async run<T>(key: string, fn: () => Promise<T>) {
      const existing = inFlight.get(key) as Promise<T> | undefined;
      if (existing) return { value: await existing, joined: true };
      const leader = fn().finally(() => inFlight.delete(key));
      inFlight.set(key, leader);
      return { value: await leader, joined: false };
    },
  };
}
