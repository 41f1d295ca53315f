// Load behaviours: how the next loads of a data model (or of every model, key "*") run: duration,
// outcome, message, stuck, late visibility, a LOST_CONNECTION phase, and for how many loads. The
// schema validates behaviours from code, the control API and the CLI; the table merges and counts them.
import { z } from "zod";
import { optionIssue, parseOrThrow } from "./validate";
import { LOAD_OUTCOMES, type LoadOutcome } from "./wire";

/** How the next loads of a data model (or of every model, key "*") behave. */
export interface LoadBehaviour {
  /** How long a load runs (ms); default the emulator's `loadMs`. */
  durationMs?: number;
  /** Final status; default the emulator's `outcome` (SUCCESS). LOST_CONNECTION stays forever. */
  outcome?: LoadOutcome;
  /** Message of the finished load; default a realistic one for ERROR/WARNING/CANCELED, else null. */
  message?: string | null;
  /** The load stays RUNNING forever (until cancel-load or reset). */
  stuck?: boolean;
  /** The trigger answers 204 but the RUNNING record appears only after this delay (ms). */
  visibleAfterMs?: number;
  /** Mid-load, the load shows LOST_CONNECTION for this long (ms), then continues to `outcome`. */
  lostConnectionMs?: number;
  /** Applies to the next N loads, then reverts; omitted = until changed. */
  times?: number;
}

const ms = z.number({ error: "must be a number >= 0" }).min(0, { error: "must be a number >= 0" }).optional();

const behaviourSchema = z.strictObject(
  {
    durationMs: ms,
    outcome: z.enum(LOAD_OUTCOMES, { error: `must be one of ${LOAD_OUTCOMES.join(", ")}` }).optional(),
    message: z.string({ error: "must be a string or null" }).nullable().optional(),
    stuck: z.boolean({ error: "must be a boolean" }).optional(),
    visibleAfterMs: ms,
    lostConnectionMs: ms,
    times: z
      .int({ error: "must be an integer >= 1" })
      .min(1, { error: "must be an integer >= 1" })
      .optional(),
  },
  { error: "must be an object" },
) satisfies z.ZodType<LoadBehaviour>;

const describe = optionIssue("load behaviour", Object.keys(behaviourSchema.shape));

/** Validate a behaviour object (from code or JSON); throws Error with a clear message. */
export function validateBehaviour(value: unknown): LoadBehaviour {
  return parseOrThrow(behaviourSchema, value, describe);
}

/** A behaviour with every default filled in: what one load runs with. */
export interface ResolvedBehaviour {
  durationMs: number;
  outcome: LoadOutcome;
  message: string | null | undefined;
  stuck: boolean;
  visibleAfterMs: number;
  lostConnectionMs: number;
}

interface Slot {
  behaviour: LoadBehaviour;
  /** Loads left before the slot is removed; undefined = until changed. */
  remaining?: number;
}

/** The behaviours set per model id and for "*"; a model's fields override "*"'s. */
export class BehaviourTable {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly defaults: { durationMs: number; outcome: LoadOutcome }) {}

  /** Set the behaviour of one model's next loads, or of every model's ("*"). */
  set(modelId: string, behaviour: LoadBehaviour): void {
    const b = validateBehaviour(behaviour);
    this.slots.set(modelId, { behaviour: b, remaining: b.times });
  }

  /** The behaviour of a model's next load; `consume` counts that load against `times`. */
  resolve(modelId: string, consume: boolean): ResolvedBehaviour {
    const star = this.slots.get("*");
    const own = this.slots.get(modelId);
    const b: LoadBehaviour = { ...star?.behaviour, ...own?.behaviour };
    if (consume) this.consume(own ? modelId : star ? "*" : undefined);
    return {
      durationMs: b.durationMs ?? this.defaults.durationMs,
      outcome: b.outcome ?? this.defaults.outcome,
      message: b.message,
      stuck: b.stuck === true,
      visibleAfterMs: b.visibleAfterMs ?? 0,
      lostConnectionMs: b.lostConnectionMs ?? 0,
    };
  }

  clear(): void {
    this.slots.clear();
  }

  private consume(key: string | undefined): void {
    const slot = key === undefined ? undefined : this.slots.get(key);
    if (key === undefined || slot?.remaining === undefined) return;
    slot.remaining -= 1;
    if (slot.remaining <= 0) this.slots.delete(key);
  }
}
