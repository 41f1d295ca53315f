// Reload windows: when a planned reload may start. Entries such as "Mon-Fri 19:00-06:00" or "Sat-Sun"
// are parsed and validated here (each mistake named, as inputs.ts names them, so it fails the
// preview), and answer two questions for an instant: is a window open, and when does the next one
// open. Times are wall-clock times in an IANA zone (zoned-time.ts resolves daylight saving). A time
// range crossing midnight belongs to the day it starts on. Pure functions.

import { show, type CheckFailure } from "./inputs";
import { UNKNOWN } from "./plan";
import { addDays, canonicalTimeZone, instantOf, wallTimeAt, type WallTime } from "./zoned-time";

/** One parsed entry: its days (0 = Monday … 6 = Sunday) and minutes of the day [start, end). */
export interface ReloadWindow {
  /** The entry as the user wrote it. */
  entry: string;
  days: readonly number[];
  start: number;
  /** Minutes after the start day's midnight: above 1440 when the range crosses midnight. */
  end: number;
}

/** The time zone windows are read in when none is given. */
export const DEFAULT_TIME_ZONE = "UTC";

export const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const WHOLE_DAY = 24 * 60;

/** What a valid entry looks like, for messages. */
export const WINDOW_FORMAT =
  'DAYS or DAYS HH:MM-HH:MM, where DAYS is a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun), a range such as Mon-Fri or a comma list such as Mon,Wed,Fri; e.g. "Mon-Fri 19:00-06:00" or "Sat-Sun"';

/** A malformed entry: why, without the entry itself (the caller names it). */
class WindowSyntaxError extends Error {}

function dayIndex(name: string): number {
  const i = DAY_NAMES.findIndex((d) => d.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new WindowSyntaxError(`"${name}" is not a day`);
  return i;
}

/** "Mon-Fri", "Fri-Mon" (wraps over the week end), "Mon,Wed,Fri", "Mon-Wed,Sat". */
function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const item of text.split(",")) {
    const [from, to, extra] = item.split("-").map((s) => s.trim());
    if (extra !== undefined || from === "" || to === "")
      throw new WindowSyntaxError(`"${item}" is not a day or a day range`);
    const first = dayIndex(from);
    const last = to === undefined ? first : dayIndex(to);
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function parseClock(text: string, allow24: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > WHOLE_DAY || (minutes === WHOLE_DAY && !allow24)) {
    throw new WindowSyntaxError(
      `"${text}" is not a time of day (HH:MM from 00:00 to 23:59${allow24 ? ", or 24:00" : ""})`,
    );
  }
  return minutes;
}

/** One entry, or a WindowSyntaxError saying what is wrong with it. */
export function parseWindow(entry: string): ReloadWindow {
  const [daysText, range, ...rest] = entry.trim().split(/\s+/);
  if (rest.length > 0 || !daysText)
    throw new WindowSyntaxError("it has more than a day part and a time range");
  const days = parseDays(daysText);
  if (range === undefined) return { entry, days, start: 0, end: WHOLE_DAY };
  const [from, to, extra] = range.split("-");
  if (to === undefined || extra !== undefined)
    throw new WindowSyntaxError(`"${range}" is not a time range HH:MM-HH:MM`);
  const start = parseClock(from, false);
  const end = parseClock(to, true);
  if (start === end % WHOLE_DAY) {
    throw new WindowSyntaxError(
      `"${range}" is empty (it starts where it ends); leave the time range out for the whole day`,
    );
  }
  return { entry, days, start, end: end > start ? end : end + WHOLE_DAY };
}

/** The validated window options: entries parsed (null = no windows, always open), zone canonical. */
export interface WindowOptions {
  windows: ReloadWindow[] | null;
  timeZone: string;
}

/**
 * Validates `windows` (a list of entries) and `timeZone` (an IANA name). Never throws: each mistake
 * is a failure naming the property, the entry and what would be valid. Unknown values (preview)
 * count as no windows / the default zone.
 */
export function validateWindows(
  rawWindows: unknown,
  rawTimeZone: unknown,
): { options: WindowOptions; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  let timeZone = DEFAULT_TIME_ZONE;
  if (rawTimeZone !== undefined && rawTimeZone !== null && rawTimeZone !== UNKNOWN) {
    const zone = typeof rawTimeZone === "string" ? canonicalTimeZone(rawTimeZone.trim()) : null;
    if (zone) timeZone = zone;
    else
      failures.push({
        property: "timeZone",
        reason: `timeZone must be an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC", got ${show(rawTimeZone)}`,
      });
  }
  if (rawWindows === undefined || rawWindows === null || rawWindows === UNKNOWN)
    return { options: { windows: null, timeZone }, failures };
  if (!Array.isArray(rawWindows) || rawWindows.length === 0) {
    const got = Array.isArray(rawWindows) ? "an empty list" : show(rawWindows);
    failures.push({
      property: "windows",
      reason: `windows must be a non-empty list of entries ${WINDOW_FORMAT}, or left out to reload at any time; got ${got}`,
    });
    return { options: { windows: null, timeZone }, failures };
  }
  const windows: ReloadWindow[] = [];
  rawWindows.forEach((entry: unknown, i) => {
    if (entry === UNKNOWN) return;
    try {
      if (typeof entry !== "string") throw new WindowSyntaxError("it is not a string");
      windows.push(parseWindow(entry));
    } catch (e) {
      if (!(e instanceof WindowSyntaxError)) throw e;
      failures.push({
        property: `windows[${i}]`,
        reason: `windows[${i}] ${show(entry)} is not a reload window: ${e.message}; write ${WINDOW_FORMAT}`,
      });
    }
  });
  // every entry unknown (preview): nothing to check yet
  return {
    options: { windows: windows.length > 0 || failures.length > 0 ? windows : null, timeZone },
    failures,
  };
}

/** One occurrence of a window as instants [open, close). */
interface Occurrence {
  open: number;
  close: number;
}

/** Occurrences of `windows` starting on the local dates from `fromDays` to `toDays` around `at`'s date. */
function occurrences(
  windows: readonly ReloadWindow[],
  timeZone: string,
  at: number,
  fromDays: number,
  toDays: number,
): Occurrence[] {
  const today = wallTimeAt(timeZone, at);
  const out: Occurrence[] = [];
  for (let n = fromDays; n <= toDays; n++) {
    const date: WallTime = addDays(today, n);
    for (const w of windows) {
      if (!w.days.includes(date.weekday)) continue;
      const open = instantOf(timeZone, date, w.start);
      const close = instantOf(timeZone, date, w.end);
      if (close > open) out.push({ open, close }); // a range inside a skipped hour has no instants
    }
  }
  return out;
}

/** Is a window open at `instant`? No windows (null) means always. */
export function isOpen(windows: readonly ReloadWindow[] | null, timeZone: string, instant: number): boolean {
  if (windows === null) return true;
  return occurrences(windows, timeZone, instant, -2, 0).some((o) => o.open <= instant && instant < o.close);
}

/** When a window next opens, and how to say it ("Fri 19:00 Europe/Berlin"). */
export interface Opening {
  at: number;
  label: string;
}

/** "Fri 19:00 Europe/Berlin": the wall time at `instant`. */
export function openingLabel(timeZone: string, instant: number): string {
  const w = wallTimeAt(timeZone, instant);
  const hhmm = `${String(Math.floor(w.minute / 60)).padStart(2, "0")}:${String(w.minute % 60).padStart(2, "0")}`;
  return `${DAY_NAMES[w.weekday]} ${hhmm} ${timeZone}`;
}

/**
 * The first instant at or after `instant` at which a window is open (`instant` itself when one is
 * open now); null when there are no windows to wait for or none opens within the next eight days.
 */
export function nextOpening(
  windows: readonly ReloadWindow[] | null,
  timeZone: string,
  instant: number,
): Opening | null {
  if (windows === null) return { at: instant, label: openingLabel(timeZone, instant) };
  if (isOpen(windows, timeZone, instant)) return { at: instant, label: openingLabel(timeZone, instant) };
  const opens = occurrences(windows, timeZone, instant, 0, 8)
    .map((o) => o.open)
    .filter((t) => t > instant);
  if (opens.length === 0) return null;
  const at = Math.min(...opens);
  return { at, label: openingLabel(timeZone, at) };
}
