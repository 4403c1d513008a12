/**
 * When the caches' queued writes go out (cacheStore/writeBehind.ts): once no answer is being made, or after
 * `maxDelayMs` at the latest, so that a gateway under constant load still writes. A plan's fetches come back at
 * different times; encoding the entries of the first ones while the last is still on its way made the gateway read
 * that last answer only after the encoding, on the critical path of a cold dashboard.
 */
export interface WriteWindow {
  /** An answer starts being made; the returned function says it has been written (calling it again does nothing). */
  open(): () => void;
  /** Runs `send` on the immediate after no answer is in the making any more, or after `maxDelayMs`. */
  whenQuiet(send: () => void): void;
}

export function createWriteWindow(options: { maxDelayMs: number }): WriteWindow {
  let answering = 0;
  let waiting: (() => void)[] = [];
  let deadline: NodeJS.Timeout | null = null;

  function release(): void {
    if (deadline) clearTimeout(deadline);
    deadline = null;
    const sends = waiting;
    waiting = [];
    if (sends.length === 0) return;
    setImmediate(() => {
      for (const send of sends) send();
    });
  }

  return {
    open() {
      answering += 1;
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        answering -= 1;
        if (answering === 0) release();
      };
    },
    whenQuiet(send) {
      if (answering === 0) {
        setImmediate(send);
        return;
      }
      waiting.push(send);
      deadline ??= setTimeout(release, options.maxDelayMs);
    },
  };
}
