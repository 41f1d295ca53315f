// A clock a test moves by hand (provider/clock.ts): sleeps and timers fire only when `advance`
// passes their time, so a batch's gathering, deadlines and waits run in no real time at all.

import type { Clock } from "../../provider/clock";

interface Pending {
  at: number;
  fn: () => void;
}

/** A manual Clock starting at `start` (epoch ms). */
export class ManualClock implements Clock {
  private pending: Pending[] = [];

  constructor(private t = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timer(ms, resolve));
  }

  timer(ms: number, fn: () => void): () => void {
    const entry = { at: this.t + Math.max(0, ms), fn };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order, letting work run between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await settle();
  }
}

/** Lets every promise continuation queued so far run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
