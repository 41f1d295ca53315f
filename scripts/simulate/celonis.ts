// A simulated Celonis holding one data model's load history, in Celonis's own clock: loads start
// when a trigger arrives (a provider's, a schedule's, a user's in the UI), run for a random time and
// end SUCCESS, WARNING, ERROR or CANCELED; a trigger that arrives while a load runs is refused with
// DATA_MODEL_LOAD_ALREADY_RUNNING (inferred, as the emulator does); the history it shows is bounded.
// Celonis's clock is the true time plus an offset that drifts. The truth (who started which load,
// when in true time) is kept beside it for the invariant; the provider sees only the wire answers.

import type { LoadInfoSync, LoadRecord, LoadStatus, LoadType } from "../../provider/celonis/types";
import type { Prng } from "./prng";
import type { World } from "./world";

/** One load as the simulation knows it (true times). */
export interface SimLoad {
  id: string;
  type: LoadType;
  /** Table ids of a partial load; null: the whole model. */
  tables: string[] | null;
  /** Who triggered it: a stack's name, "schedule" or "ui". */
  by: string;
  /** What the trigger carried (a stack's change revision), for the invariant. */
  tag: string;
  /** The provider process (one `up`) that sent the trigger; "" for other writers. */
  proc: string;
  start: number;
  end: number;
  final: LoadStatus;
  ended: boolean;
}

/** How Celonis's clock relates to the true time. */
export interface CelonisClock {
  /** Celonis's clock minus the true time at the history's start (ms). */
  offsetMs: number;
  /** How much faster Celonis's clock runs (0.001: a millisecond per second). */
  drift: number;
}

/** A wire answer. */
export interface SimAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The model's tables: what partial loads may name (each table's id is its name). */
export const TABLES = ["t1", "t2", "t3", "t4"];

/** The data pool and data model every history loads. */
export const POOL_ID = "00000000-0000-4000-8000-000000000001";
export const MODEL_ID = "00000000-0000-4000-8000-0000000000aa";

/** How long the history Celonis shows is, at most. */
const HISTORY_SHOWN = 40;

/** The simulated Celonis of one data model. */
export class SimCelonis {
  readonly loads: SimLoad[] = [];
  running: SimLoad | null = null;
  private count = 0;
  /** The load-info-sync body while no load started or ended since it was written (speed). */
  private infoBody: string | null = null;

  constructor(
    private readonly world: World,
    private readonly rng: Prng,
    private readonly clockOf: CelonisClock,
    private readonly durationMs: { mean: number },
    /** A scripted scenario's loads: each takes exactly the mean and succeeds. */
    private readonly script: { fixed: boolean } = { fixed: false },
  ) {}

  /** Celonis's clock at true time `t`. */
  clock(t: number): number {
    return Math.round(t + this.clockOf.offsetMs + this.clockOf.drift * (t - this.world.trueStart));
  }

  /** Starts a load now, or refuses: "busy". */
  start(type: LoadType, tables: string[] | null, by: string, tag: string, proc = ""): SimLoad | "busy" {
    if (this.running) return "busy";
    const now = this.world.now;
    const fixed = this.script.fixed;
    const duration = fixed
      ? this.durationMs.mean
      : Math.max(300, Math.round(this.rng.exponential(this.durationMs.mean)));
    const r = fixed ? 0 : this.rng.next();
    const final: LoadStatus = r < 0.78 ? "SUCCESS" : r < 0.84 ? "WARNING" : r < 0.95 ? "ERROR" : "CANCELED";
    const load: SimLoad = {
      id: `L${++this.count}`,
      type,
      tables,
      by,
      tag,
      proc,
      start: now,
      end: now + duration,
      final,
      ended: false,
    };
    this.loads.push(load);
    this.running = load;
    this.infoBody = null;
    this.world.log(
      () =>
        `celonis: ${load.id} ${type}${tables ? `(${tables.join(",")})` : ""} started by ${tag}${proc ? ` (${proc})` : ""}`,
    );
    this.world.at(load.end, () => this.finish(load));
    return load;
  }

  private finish(load: SimLoad): void {
    load.ended = true;
    this.infoBody = null;
    if (this.running === load) this.running = null;
    this.world.log(() => `celonis: ${load.id} ended ${load.final}`);
  }

  /** A load as the wire shows it (dates in Celonis's clock). */
  record(l: SimLoad): LoadRecord {
    return {
      dataLoadId: l.id,
      dataModelId: MODEL_ID,
      startDate: this.clock(l.start),
      endDate: l.ended ? this.clock(l.end) : null,
      loadStatus: l.ended ? l.final : "RUNNING",
      message: l.ended && l.final !== "SUCCESS" ? `${l.final.toLowerCase()} (simulated)` : null,
      loadType: l.type,
    };
  }

  /** `load-info-sync`: the newest load, the (bounded) history newest first, average durations. */
  loadInfo(): LoadInfoSync {
    const shown = this.loads.slice(-HISTORY_SHOWN);
    const last = shown[shown.length - 1];
    return {
      loadInfo: { liveDataModel: null, currentComputeLoad: last ? this.record(last) : null },
      loadHistory: {
        lastSuccessfulDataModel: null,
        dataLoadHistory: shown.map((l) => this.record(l)).reverse(),
        averageLoadTime: this.averages(),
      },
    };
  }

  private averages(): { type: string; averageLoadingTime: number }[] {
    const out: { type: string; averageLoadingTime: number }[] = [];
    for (const type of ["COMPLETE", "PARTIAL"] as const) {
      const done = this.loads.filter((l) => l.ended && l.type === type);
      if (done.length === 0) continue;
      const sum = done.reduce((s, l) => s + (l.end - l.start), 0);
      out.push({ type, averageLoadingTime: Math.round(sum / done.length) });
    }
    return out;
  }

  /** Serves one request that reached Celonis (faults are the transport's). */
  serve(
    method: string,
    path: string,
    query: Record<string, string>,
    body: string | undefined,
    /** `<stack>#<change>@<process>`: who sent it (the simulation's truth, not on the wire). */
    tag: string,
  ): SimAnswer {
    if (method === "GET" && path.endsWith("/last-load")) {
      const last = this.loads[this.loads.length - 1];
      return last ? this.json(200, this.record(last)) : { status: 204, headers: this.date(), body: "" };
    }
    if (method === "GET" && path.endsWith("/load-history/load-info-sync"))
      return this.json(200, null, (this.infoBody ??= JSON.stringify(this.loadInfo())));
    if (method === "GET" && path.endsWith("/tables"))
      return this.json(
        200,
        TABLES.map((t) => ({ id: t, name: t, aliasOrName: t, dataModelId: MODEL_ID })),
      );
    if (method === "POST" && (path.endsWith("/load") || path.endsWith("/load/partial-sync"))) {
      const partial = path.endsWith("/partial-sync");
      const tables = partial ? (JSON.parse(body ?? "[]") as string[]) : null;
      const type: LoadType = partial ? "PARTIAL" : query.fullReload === "false" ? "FROM_CACHE" : "COMPLETE";
      const [change, proc] = tag.split("@");
      const started = this.start(type, tables, change.split("#")[0], change, proc);
      if (started !== "busy") return { status: 200, headers: this.date(), body: "" };
      return this.json(400, {
        frontendErrorKey: "DATA_MODEL_LOAD_ALREADY_RUNNING",
        errorInformation: { message: `A load of data model ${MODEL_ID} is already running` },
      });
    }
    return this.json(404, { message: `no route ${method} ${path}` });
  }

  private json(status: number, value: unknown, body = JSON.stringify(value)): SimAnswer {
    return { status, headers: { ...this.date(), "content-type": "application/json" }, body };
  }

  /** The HTTP `Date` header, in Celonis's clock (what a clock estimate reads). */
  private date(): Record<string, string> {
    return { date: new Date(this.clock(this.world.now)).toUTCString() };
  }
}
