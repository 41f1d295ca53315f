// A trigger journal kept beside the project, in `.pulumi-celonis/journal.json.d/` (one file per
// entry; see Journal for why). Why: when `pulumi up`
// is killed during a wait (a second Ctrl-C, SIGKILL, a lost CI runner), the engine never records
// what the reload did, so the next `up` plans the very same change again and would start a second
// load. Every trigger is written here *before* it is sent, under the key of the change it carries
// out; the next run of the same change finds it and settles that load instead of triggering again.
//
// An entry lives from just before its trigger is sent until the provider hands the outcome to the
// engine (which records it in state); only a deployment that died in between leaves one behind.
// Entries are also dropped when their trigger is known to have started nothing, and after 8 days.
// It holds ids, times and a one-way hash of the change, never input values or credentials.

import { createHash, randomBytes } from "crypto";
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

/** Is an entry younger than `maxAgeMs`? Pure. */
function isFresh(e: JournalEntry, nowMs: number, maxAgeMs = JOURNAL_MAX_AGE_MS): boolean {
  return nowMs - Date.parse(e.recordedAt) < maxAgeMs;
}

/** The folder of one-file entries for the journal at `file`: `<file>.d`. Pure. */
export function entriesDir(file: string): string {
  return `${file}.d`;
}

/**
 * The journal: one file per entry, named by its change key, in `<file>.d/`. Several stacks of one
 * project (and the reloads of one deployment) write at once, so nothing is read, changed and written
 * back: an entry is written whole to a temporary file and renamed over its own name (atomic), and
 * forgotten by removing that file. `file` itself is the journal of earlier versions (one JSON file
 * with every entry); its entries are still read, moved once into their own files by whichever
 * process renames the old file away first. Entries older than 8 days are removed when found.
 */
export class Journal {
  private readonly warned = new Set<string>();
  private readonly dir: string;

  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = entriesDir(file);
  }

  /** The load recorded for this change, if one is. */
  find(key: string): PlanLoad | null {
    this.migrate();
    return this.readEntry(this.entryFile(key))?.load ?? null;
  }

  /** Records (or updates) the load of a change. */
  record(key: string, entry: Omit<JournalEntry, "key" | "recordedAt">): void {
    const full: JournalEntry = { key, ...entry, recordedAt: new Date(this.now()).toISOString() };
    try {
      this.writeEntry(full);
    } catch (err) {
      this.once(
        "write",
        `cannot write ${this.entryFile(key)} (${String(err)}): an interrupted deployment may cost a second load`,
      );
    }
  }

  /** Drops the entry of a change: its outcome reached the engine, or its trigger started nothing. */
  forget(key: string): void {
    this.migrate();
    this.remove(this.entryFile(key));
  }

  /** Every entry (for tests and troubleshooting); old ones are removed on the way. */
  entries(): JournalEntry[] {
    this.migrate();
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    return names.flatMap((n) => this.readEntry(path.join(this.dir, n)) ?? []);
  }

  private entryFile(key: string): string {
    return path.join(this.dir, `${key.replace(/[^0-9a-zA-Z_-]/g, "_")}.json`);
  }

  /** One entry from its file; null when absent, unreadable (warned once) or old (then removed). */
  private readEntry(file: string): JournalEntry | null {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") this.once("read", `cannot read ${file}: ${String(err)}`);
      return null;
    }
    try {
      const entry = JSON.parse(text) as JournalEntry;
      if (isFresh(entry, this.now())) return entry;
      this.remove(file);
      return null;
    } catch {
      this.once("parse", `${file} is not valid JSON; it is ignored`);
      return null;
    }
  }

  /** Writes an entry whole under a temporary name, then renames it over its own file. */
  private writeEntry(entry: JournalEntry): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const target = this.entryFile(entry.key);
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(entry, null, 2)}\n`);
    fs.renameSync(tmp, target);
  }

  private remove(file: string): void {
    try {
      fs.unlinkSync(file);
    } catch {
      // already gone (another process forgot it), or never written
    }
  }

  /**
   * Moves the entries of an earlier version's single file into their own files. The old file is
   * renamed away first, so exactly one process moves it; an entry already in its own file (newer)
   * is kept.
   */
  private migrate(): void {
    if (!fs.existsSync(this.file)) return;
    const claimed = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.migrating`;
    try {
      fs.renameSync(this.file, claimed);
    } catch {
      return; // another process moved it, or it is not ours to move
    }
    for (const entry of legacyEntries(claimed, (m) => this.once("parse", m))) {
      if (isFresh(entry, this.now()) && !fs.existsSync(this.entryFile(entry.key)))
        this.record(entry.key, entry);
    }
    this.remove(claimed);
  }

  /** Warns once per kind of trouble (a broken journal must not flood the deployment's output). */
  private once(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.warn(`trigger journal: ${message}`);
  }
}

/** The entries of an earlier version's journal file (`{version: 1, entries: [...]}`). */
function legacyEntries(file: string, warn: (m: string) => void): JournalEntry[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { entries?: JournalEntry[] };
    return Array.isArray(parsed.entries) ? parsed.entries.filter((e) => e && typeof e.key === "string") : [];
  } catch {
    warn(`the earlier journal file ${file} is not valid JSON; its entries are ignored`);
    return [];
  }
}

/** Where the journal lives: `PULUMI_CELONIS_JOURNAL` (a file path, or "off"), else beside the project. */
export function journalPath(env: Record<string, string | undefined>, cwd: string): string | null {
  const configured = env.PULUMI_CELONIS_JOURNAL?.trim();
  if (configured === "off") return null;
  if (configured) return path.resolve(cwd, configured);
  return path.join(cwd, ".pulumi-celonis", "journal.json");
}
