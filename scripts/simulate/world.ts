// The simulator's virtual time: one clock (the true time, which the runner's clock also reads) and
// one queue of events ordered by time and then by insertion. Nothing waits on a real timer: the
// provider's sleeps and the simulated network's answers are events, and the world runs them one by
// one, letting all promise callbacks settle after each, so a history is deterministic.
// A process can be killed: its pending events are dropped, so its code never runs again. Each
// process reads time through a provider Clock on this world (`clock`), as the real provider reads
// it through its context's clock.

import type { Clock } from "../../provider/clock";

/** A process of the simulation (one incarnation of a deployment); killed, its events never fire. */
export interface Proc {
  alive: boolean;
  name: string;
}

interface Event {
  at: number;
  seq: number;
  proc: Proc | null;
  /** Null once cancelled. */
  fire: (() => void) | null;
}

/** The start of every history's clock: a fixed date, so traces read the same on every run. */
export const EPOCH = Date.UTC(2025, 0, 6, 8, 0, 0);

/** The virtual clock and event queue. */
export class World {
  now = EPOCH;
  /** When the history began (true time). */
  readonly trueStart = EPOCH;
  private readonly heap: Event[] = [];
  private seq = 0;
  /** The trace of this history, when it is kept (a replay); null: not kept (speed). */
  readonly trace: string[] | null;

  constructor(tracing: boolean) {
    this.trace = tracing ? [] : null;
  }

  /** How many events are waiting. */
  get pending(): number {
    return this.heap.length;
  }

  /** Runs `fire` at `at` (not before now), unless `proc` is dead by then; the result cancels it. */
  at(at: number, fire: () => void, proc: Proc | null = null): () => void {
    const e: Event = { at: Math.max(at, this.now), seq: this.seq++, proc, fire };
    this.push(e);
    return () => {
      e.fire = null;
    };
  }

  /** Resolves after `ms` of virtual time; never, if `proc` dies first. */
  sleep(ms: number, proc: Proc | null = null): Promise<void> {
    return new Promise((resolve) => this.at(this.now + Math.max(0, ms), resolve, proc));
  }

  /** The provider Clock of `proc`: virtual now, and sleeps and timers that die with the process. */
  clock(proc: Proc): Clock {
    return {
      now: () => this.now,
      sleep: (ms) => this.sleep(ms, proc),
      timer: (ms, fn) => this.at(this.now + Math.max(0, ms), fn, proc),
    };
  }

  /** Notes a line in the trace (built only when tracing). */
  log(line: () => string): void {
    if (this.trace) this.trace.push(`${stamp(this.now)} ${line()}`);
  }

  /** Runs events in order until none is left or the next is after `until`. */
  async run(until: number): Promise<void> {
    while (this.heap.length > 0 && this.heap[0].at <= until) {
      const e = this.pop();
      this.now = e.at;
      if (!e.fire || (e.proc && !e.proc.alive)) continue;
      e.fire();
      await settle();
    }
    this.now = Math.max(this.now, until);
  }

  private push(e: Event): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Event {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets every promise callback queued so far run (they all run before the next macrotask). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Virtual time as minutes:seconds.millis since the history's start. */
export function stamp(ms: number): string {
  const t = ms - EPOCH;
  const sign = t < 0 ? "-" : "";
  const abs = Math.abs(t);
  const m = Math.floor(abs / 60_000);
  const s = ((abs % 60_000) / 1000).toFixed(3).padStart(6, "0");
  return `${sign}${String(m).padStart(3, "0")}:${s}`;
}
