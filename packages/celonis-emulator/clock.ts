// Time for the emulator: what "now" is and when timers fire. Injectable so that tests can run a
// load's whole life (durations, LOST_CONNECTION, visibleAfterMs, token expiry, delays) by advancing a
// manual clock instead of sleeping; everything else runs on the system clock.

/** Cancels a scheduled timer; calling it after the timer fired does nothing. */
export type Cancel = () => void;

export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Runs `fn` once, `ms` from now. Never keeps the process alive on its own. */
  setTimer(ms: number, fn: () => void): Cancel;
}

/** Real time: Date.now() and unref'd setTimeout. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told: `advance(ms)` fires, in time order, every timer due within the
 * window (including timers those callbacks schedule), with `now()` equal to each timer's due time.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  /** Starts at `start` (default: the real time now, so dates look like today's). */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Cancel {
    const timer: ManualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }
}

/** The timers one owner started, so that all of them can be cancelled at once (reset, stop). */
export class TimerGroup {
  private readonly cancels = new Set<Cancel>();

  constructor(private readonly clock: Clock) {}

  /** Like clock.setTimer, tracked until it fires or is cancelled. */
  after(ms: number, fn: () => void): Cancel {
    const cancel = this.clock.setTimer(ms, () => {
      this.cancels.delete(cancel);
      fn();
    });
    this.cancels.add(cancel);
    return () => {
      this.cancels.delete(cancel);
      cancel();
    };
  }

  /** A promise that resolves after `ms` (a tracked timer; cancelAll leaves it pending forever). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  cancelAll(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }
}
