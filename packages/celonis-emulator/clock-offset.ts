// The clock-offset fault: an emulator whose clock is minutes off the client's, as a Celonis whose
// clock differs from a CI runner's. Every API answer's `Date` header and every load date it reports
// are shifted by the offset; loads still run in real time, and the control API and the request log
// keep the true time (what tests compare against). Pure, apart from the clock passed in.
import type { Reply } from "./faults";

/** The fields of Celonis answers that hold a date (epoch ms). */
const DATE_FIELDS = new Set([
  "startDate",
  "endDate",
  "startTime",
  "endTime",
  "lastLoad",
  "nextLoad",
  "createDate",
  "changedDate",
]);

/** `body` with every date field shifted by `offsetMs` (a copy; unchanged when the offset is 0). */
export function shiftDates(body: unknown, offsetMs: number): unknown {
  if (offsetMs === 0 || body === null || typeof body !== "object") return body;
  if (Array.isArray(body)) return body.map((x) => shiftDates(x, offsetMs));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>))
    out[k] = DATE_FIELDS.has(k) && typeof v === "number" ? v + offsetMs : shiftDates(v, offsetMs);
  return out;
}

/** An API answer as a Celonis `offsetMs` off the true time `nowMs` sends it: dated, dates shifted. */
export function skewed(reply: Reply, nowMs: number, offsetMs: number): Reply {
  const date = new Date(nowMs + offsetMs).toUTCString();
  return { ...reply, headers: { ...reply.headers, date }, body: shiftDates(reply.body, offsetMs) };
}

/** Checks an offset given through the control API or a flag (ms, may be negative); throws Error. */
export function validateOffset(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > 366 * 24 * 3600_000)
    throw new Error("clock offset must be a number of milliseconds within a year, e.g. -600000");
  return Math.round(value);
}
