// The provider's one source of time: what "now" is, how to wait, and timers. The batch, the runner
// and the Celonis client read time only through it, so a test can drive them with a manual clock
// instead of waiting for real seconds.

/** Time as the provider sees it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
  /** Calls `fn` after `ms`; the returned function cancels it. Never keeps the process alive. */
  timer(ms: number, fn: () => void): () => void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  timer: (ms, fn) => {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};
