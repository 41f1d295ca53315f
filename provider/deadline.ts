// One run's limits as one object: the epoch ms it must end by, and the signal that stops it early
// (Ctrl-C, the plugin's Cancel, the engine's timeout). The runner makes it from `timeoutSeconds`
// and passes it down to the batch and to every client call, instead of each level deriving its own.

import { CancelledError } from "./celonis/errors";
import { sleepUnlessCancelled } from "./celonis/http";
import type { Clock } from "./clock";

/** Until when a run may go on, and what stops it sooner. */
export class Deadline {
  constructor(
    /** Epoch ms. */
    readonly at: number,
    private readonly clock: Clock,
    readonly signal?: AbortSignal,
  ) {}

  /** A deadline `ms` from now on `clock`. */
  static after(ms: number, clock: Clock, signal?: AbortSignal): Deadline {
    return new Deadline(clock.now() + ms, clock, signal);
  }

  passed(): boolean {
    return this.clock.now() >= this.at;
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.clock.now());
  }

  /** What the client's calls and waits take: `{deadline, signal}`. */
  limits(): { deadline: number; signal?: AbortSignal } {
    return { deadline: this.at, signal: this.signal };
  }

  /** Sleeps `ms` (at most until the deadline); a fired signal ends it with CancelledError. */
  pause(ms: number): Promise<void> {
    return sleepUnlessCancelled(
      (t) => this.clock.sleep(t),
      Math.min(Math.max(0, ms), this.remainingMs()),
      this.signal,
    );
  }
}

/** The error a fired signal stands for: its own CancelledError (a plugin's Cancel, the engine's timeout), or a generic one. */
export function cancelReason(signal: AbortSignal | undefined): CancelledError {
  const reason: unknown = signal?.reason;
  return reason instanceof CancelledError ? reason : new CancelledError();
}
