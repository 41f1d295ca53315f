// What to do with a planned reload just before its trigger, given the reload windows: trigger it,
// defer it (the change stays owed, `up` succeeds with a warning), wait for the window within the
// deadline, or fail. `outsideWindow` chooses among the last three. A pure function of the clock,
// the deadline and the windows, so the batch only acts on its answer. A load already running is
// never subject to it: the caller asks only before a trigger of its own.

import { isOpen, nextOpening, type ReloadWindow } from "./windows";

/** What to do when a reload is due outside every window. */
export type OutsideWindow = "defer" | "wait" | "fail";

/** The default: do not reload now, succeed with a warning, reload on the next `up` inside a window. */
export const DEFAULT_OUTSIDE_WINDOW: OutsideWindow = "defer";

export const OUTSIDE_WINDOW_VALUES: readonly OutsideWindow[] = ["defer", "wait", "fail"];

export interface WindowQuestion {
  windows: readonly ReloadWindow[] | null;
  timeZone: string;
  outsideWindow: OutsideWindow;
  /** Now, as epoch ms. */
  now: number;
  /** When the wait for this reload must end (epoch ms): the `timeoutSeconds` deadline. */
  deadline: number;
}

export type WindowDecision =
  | { kind: "trigger" }
  /** Record `planStatus: "deferred"`; `message` is the warning and the preview text. */
  | { kind: "defer"; message: string; opensAt: number | null }
  /** Sleep until `until` (a window opens then, before the deadline), then ask again. */
  | { kind: "wait"; until: number; message: string }
  | { kind: "fail"; message: string };

/** "next opens Fri 19:00 Europe/Berlin", or that none opens within a week. */
function nextText(q: WindowQuestion): { text: string; at: number | null } {
  const next = nextOpening(q.windows, q.timeZone, q.now);
  if (!next) return { text: "no window opens within the next week", at: null };
  return { text: `next opens ${next.label}`, at: next.at };
}

/** The decision for one planned reload (see WindowDecision). */
export function decideWindow(q: WindowQuestion): WindowDecision {
  if (isOpen(q.windows, q.timeZone, q.now)) return { kind: "trigger" };
  const next = nextText(q);
  const where = `outside the reload window (${(q.windows ?? []).map((w) => w.entry).join(", ")}; ${q.timeZone})`;
  if (q.outsideWindow === "defer") {
    return { kind: "defer", message: `deferred: outside the reload window, ${next.text}`, opensAt: next.at };
  }
  if (q.outsideWindow === "wait" && next.at !== null && next.at <= q.deadline) {
    return { kind: "wait", until: next.at, message: `waiting: ${where}, ${next.text}` };
  }
  const why =
    q.outsideWindow === "fail"
      ? 'outsideWindow is "fail"'
      : 'outsideWindow is "wait" but that is after the deadline (timeoutSeconds); raise timeoutSeconds or run `up` inside the window';
  return { kind: "fail", message: `not reloaded: ${where}, ${next.text}; ${why}` };
}

/** The message a preview shows for a reload that `up` would defer now (null when it would not). */
export function previewDeferral(q: Omit<WindowQuestion, "deadline" | "outsideWindow">): string | null {
  const d = decideWindow({ ...q, outsideWindow: "defer", deadline: q.now });
  return d.kind === "defer" ? d.message : null;
}
