// Wall-clock time in an IANA time zone, both ways, with nothing but `Intl.DateTimeFormat`: what
// reload windows need to turn "Fri 19:00 Europe/Berlin" into an instant and back. Daylight saving is
// resolved as Temporal's "compatible" disambiguation does: a wall time skipped by a change moves
// forward by the length of the gap (02:30 on Berlin's spring day is 03:30), and a repeated one is
// its first occurrence. Pure apart from the cached formatters.

/** A wall-clock moment: calendar date, weekday (0 = Monday … 6 = Sunday) and minute of the day. */
export interface WallTime {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  weekday: number;
  /** 0–1439. */
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** A memo of immutable formatters by zone (building one is costly; nextOpening asks many times). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's canonical name (`europe/berlin` → `Europe/Berlin`), or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The wall-clock fields at `instant` as if they were UTC (epoch ms), seconds included. */
function wallAsUtc(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const whole = Math.floor(instant / 1000) * 1000;
  return (
    Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) +
    (instant - whole)
  );
}

/** The zone's offset from UTC at `instant` (ms; +3_600_000 for CET). */
export function offsetAt(timeZone: string, instant: number): number {
  return wallAsUtc(timeZone, instant) - instant;
}

/** The wall time at `instant` in `timeZone`. */
export function wallTimeAt(timeZone: string, instant: number): WallTime {
  return fromUtcFields(wallAsUtc(timeZone, instant));
}

function fromUtcFields(ms: number): WallTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: (d.getUTCDay() + 6) % 7,
    minute: d.getUTCHours() * 60 + d.getUTCMinutes(),
  };
}

/** The calendar date `days` after the one of `wall` (midnight), as a WallTime. */
export function addDays(wall: Pick<WallTime, "year" | "month" | "day">, days: number): WallTime {
  return fromUtcFields(Date.UTC(wall.year, wall.month - 1, wall.day) + days * DAY_MS);
}

/**
 * The instant at which the wall clock in `timeZone` shows `minute` (may be 1440 or more: the next
 * days) of the date of `date`. Skipped wall times move forward by the gap; repeated ones are the
 * first occurrence. Assumes at most one offset change within a day either side, as in every real zone.
 */
export function instantOf(
  timeZone: string,
  date: Pick<WallTime, "year" | "month" | "day">,
  minute: number,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minute * MINUTE_MS;
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((t) => wallAsUtc(timeZone, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // in a gap: the offset before the change carries the time forward
}
