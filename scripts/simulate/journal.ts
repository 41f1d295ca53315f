// A stack's trigger journal in memory: the provider's Journal (journal.ts) with its entries in a map
// instead of files, because the simulator writes thousands of them a second. It belongs to the stack
// (its project directory), not to a process, so it survives a kill as the files do. The runner and
// operations.ts use only find/record/forget; what they record is also noted as a load the change's
// runs took for their own (for the invariant's messages).

import { Journal, type JournalEntry } from "../../provider/journal";

/** The journal of one simulated stack. */
export class SimJournal extends Journal {
  private readonly byKey = new Map<string, JournalEntry>();

  constructor(
    private readonly clockNow: () => number,
    /** Told of every load id recorded (a load a run took for ours). */
    private readonly onRecorded: (loadId: string) => void,
  ) {
    super("simulated-journal.json");
  }

  override find(key: string): JournalEntry["load"] | null {
    return this.byKey.get(key)?.load ?? null;
  }

  override record(key: string, entry: Omit<JournalEntry, "key" | "recordedAt">): void {
    this.byKey.set(key, { key, ...entry, recordedAt: new Date(this.clockNow()).toISOString() });
    if (entry.load.loadId) this.onRecorded(entry.load.loadId);
  }

  override forget(key: string): void {
    this.byKey.delete(key);
  }

  override entries(): JournalEntry[] {
    return [...this.byKey.values()];
  }
}
