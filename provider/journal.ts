// A trigger journal kept beside the project, in `.pulumi-celonis/journal.json`. Why: when `pulumi up`
// is killed during a wait (a second Ctrl-C, SIGKILL, a lost CI runner), the engine never records
// what the reload did, so the next `up` plans the very same change again and would start a second
// load. Every trigger is written here *before* it is sent, under the key of the change it carries
// out; the next run of the same change finds it and settles that load instead of triggering again.
//
// An entry lives from just before its trigger is sent until the provider hands the outcome to the
// engine (which records it in state); only a deployment that died in between leaves one behind.
// Entries are also dropped when their trigger is known to have started nothing, and after 8 days.
// It holds ids, times and a one-way hash of the change, never input values or credentials.

import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { canonicalJson, reloadFingerprint } from "./plan";
import type { PlanInputs } from "./properties";
import type { Plan, PlanLoad, PlanStatus } from "./types";

/** One trigger, written before it was sent. */
export interface JournalEntry {
  key: string;
  poolId: string;
  dataModelId: string;
  load: PlanLoad;
  /** When the entry was last written (ISO). */
  recordedAt: string;
}

/** How long an entry is kept when nothing settles it: longer than the longest wait (7 days). */
export const JOURNAL_MAX_AGE_MS = 8 * 24 * 3600_000;

/** What identifies one change of one resource. */
export interface ChangeParts {
  /** Who: `<project>/<stack>/<resource name>` (null when unknown). */
  scope: string | null;
  /** The connection the model is on ("" or absent: the unnamed one, keyed as before names existed). */
  connection?: string;
  /** The recorded state the change starts from (null: a create). */
  from: (PlanInputs & { reloadCount?: number; planStatus?: PlanStatus; planLoad?: PlanLoad | null }) | null;
  /** The inputs it goes to. */
  to: PlanInputs;
  /** The plan that carries it out. */
  plan: Plan;
}

/**
 * The key of one change: the same resource, from the same recorded state, to the same inputs, with
 * the same plan. A deployment interrupted before the engine recorded anything leaves the state as it
 * was, so running it again yields the same key; any recorded progress (a new load, a count) changes
 * it. A SHA-256 digest, so no input value (a trigger may be secret) is stored. Pure.
 */
export function changeKey(parts: ChangeParts): string {
  const from = parts.from && {
    state: reloadFingerprint(parts.from),
    reloadCount: parts.from.reloadCount ?? 0,
    planStatus: parts.from.planStatus ?? null,
    planLoad: parts.from.planLoad?.loadId ?? parts.from.planLoad?.triggeredAt ?? null,
  };
  const plan = { loadType: parts.plan.loadType, tables: parts.plan.tableIds ?? parts.plan.tables };
  const connection = parts.connection ? { connection: parts.connection } : {};
  const material = canonicalJson({
    scope: parts.scope,
    ...connection,
    from,
    to: reloadFingerprint(parts.to),
    plan,
  });
  return createHash("sha256").update(material).digest("hex");
}

/** Entries younger than `maxAgeMs`. Pure. */
function freshEntries(entries: JournalEntry[], nowMs: number, maxAgeMs = JOURNAL_MAX_AGE_MS): JournalEntry[] {
  return entries.filter((e) => nowMs - Date.parse(e.recordedAt) < maxAgeMs);
}

/**
 * The journal file. Reads and writes are synchronous and atomic (write, then rename). Every call
 * reads the file again rather than keeping entries in memory: deployments of two stacks of one
 * project share it, and a cached copy would write the other's entries away. (Measured: with 60
 * reloads in flight, each one's four journal calls cost 2–6 ms of file I/O in all.)
 */
export class Journal {
  private readonly warned = new Set<string>();

  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The load recorded for this change, if one is. */
  find(key: string): PlanLoad | null {
    return this.read().find((e) => e.key === key)?.load ?? null;
  }

  /** Records (or updates) the load of a change. */
  record(key: string, entry: Omit<JournalEntry, "key" | "recordedAt">): void {
    const others = this.read().filter((e) => e.key !== key);
    this.write([...others, { key, ...entry, recordedAt: new Date(this.now()).toISOString() }]);
  }

  /** Drops the entry of a change: its outcome reached the engine, or its trigger started nothing. */
  forget(key: string): void {
    const entries = this.read();
    if (entries.some((e) => e.key === key)) this.write(entries.filter((e) => e.key !== key));
  }

  /** Every entry (for tests and troubleshooting). */
  entries(): JournalEntry[] {
    return this.read();
  }

  private read(): JournalEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        this.once("read", `cannot read ${this.file}: ${String(err)}`);
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { entries?: JournalEntry[] };
      return freshEntries(Array.isArray(parsed.entries) ? parsed.entries : [], this.now());
    } catch {
      this.once("parse", `${this.file} is not valid JSON; starting a new journal`);
      return [];
    }
  }

  private write(entries: JournalEntry[]): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, entries }, null, 2)}\n`);
      fs.renameSync(tmp, this.file);
    } catch (err) {
      this.once(
        "write",
        `cannot write ${this.file} (${String(err)}): an interrupted deployment may cost a second load`,
      );
    }
  }

  /** Warns once per kind of trouble (a broken journal must not flood the deployment's output). */
  private once(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.warn(`trigger journal: ${message}`);
  }
}

/** Where the journal lives: `PULUMI_CELONIS_JOURNAL` (a file path, or "off"), else beside the project. */
export function journalPath(env: Record<string, string | undefined>, cwd: string): string | null {
  const configured = env.PULUMI_CELONIS_JOURNAL?.trim();
  if (configured === "off") return null;
  if (configured) return path.resolve(cwd, configured);
  return path.join(cwd, ".pulumi-celonis", "journal.json");
}
