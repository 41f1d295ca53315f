// The emulator's record of every API request (not the control API): what tests count loads and
// retries from. It never holds a credential: no header values, no bodies except partial-sync's table
// ids, and query values whose names look like secrets are "[redacted]".
import type { AuthKind } from "./auth";
import type { Clock } from "./clock";

/** One API request as the emulator saw it. Never holds a credential. */
export interface RequestLogEntry {
  /** Arrival time, epoch ms. */
  time: number;
  method: string;
  path: string;
  /** Query parameters; values of names like *token*, *secret*, *key* are "[redacted]". */
  query: Record<string, string>;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  auth: AuthKind;
  /** Only for partial-sync: the JSON body (table config ids). */
  body?: unknown;
  /** The fault rule applied, e.g. "status:503", "rateLimit", "drop(after)". */
  fault?: string;
}

/**
 * Whether a logged request was a load trigger that was not refused: a POST of `…/load`,
 * `…/load/partial-sync` or `…/reload` answered below 300 (or dropped, status 0). What tests and the
 * demo count loads started by.
 */
export function isLoadTrigger(entry: Pick<RequestLogEntry, "method" | "path" | "status">): boolean {
  return (
    entry.method === "POST" && /\/(load(\/partial-sync)?|reload)$/.test(entry.path) && entry.status < 300
  );
}

const SENSITIVE_QUERY = /secret|token|key|password|auth|credential|assertion/i;

function redactQuery(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) out[k] = SENSITIVE_QUERY.test(k) ? "[redacted]" : v;
  return out;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  constructor(
    private readonly clock: Clock,
    /** Called with one line per finished request (the CLI prints it). */
    private readonly sink?: (line: string) => void,
  ) {}

  /** The entry of a request that just arrived; `finish` records it. */
  begin(method: string, url: URL): RequestLogEntry {
    return {
      time: this.clock.now(),
      method,
      path: url.pathname,
      query: redactQuery(url.searchParams),
      status: 0,
      auth: "none",
    };
  }

  /** Records the entry with the status answered (0 = dropped). */
  finish(entry: RequestLogEntry, status: number): void {
    entry.status = status;
    this.entries.push(entry);
    if (!this.sink) return;
    const qs = new URLSearchParams(entry.query).toString();
    this.sink(
      `${entry.method} ${entry.path}${qs ? `?${qs}` : ""} -> ${status === 0 ? "dropped" : status}` +
        ` auth=${entry.auth}${entry.fault ? ` fault=${entry.fault}` : ""} (${this.clock.now() - entry.time} ms)`,
    );
  }

  /** Copies of every entry, in the order they were answered. */
  list(): RequestLogEntry[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
