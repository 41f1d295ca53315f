// Everything the provider keeps between calls, in one object instead of module variables: the
// clock, the connections by name (today only the unnamed one stack config configures) with their
// clients and table caches, the trigger journal, the logger, and the batches with their
// announcements. The dynamic-provider host makes one per process (handlers.ts), the plugin one per
// configured provider instance, and each test its own, so two configurations never meet.

import { CelonisClient } from "./celonis/client";
import type { TableConfig } from "./celonis/types";
import { Batches, modelKey, type ModelRef } from "./batch";
import { systemClock, type Clock } from "./clock";
import { ConfigError, readConnection, type Connection } from "./config";
import { Journal, journalPath } from "./journal";

/** How long `check` reuses a model's table list: one deployment's previews of many resources on one
 * model then cost one request, not one each (Celonis rate-limits). Runs always read it fresh. */
const TABLES_TTL_MS = 60_000;

/** What a context is made with; every field has a default for the real provider. */
export interface ContextOptions {
  clock?: Clock;
  /** Progress and warning lines outside a call's own log (default: stdout, shown by the engine). */
  log?: (line: string) => void;
  /** The trigger journal (null: none); default: PULUMI_CELONIS_JOURNAL or beside the project. */
  journal?: Journal | null;
  /** Connections by name, set directly (tests and programs that drive the provider without Pulumi). */
  connections?: Record<string, Connection>;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** The state of one provider (see the header). */
export class ProviderContext {
  readonly clock: Clock;
  readonly batches: Batches;
  readonly log: (line: string) => void;
  private readonly env: Record<string, string | undefined>;
  private readonly cwd: string;
  private readonly connections = new Map<string, Connection | ConfigError>();
  private readonly clients = new Map<string, CelonisClient>();
  private readonly tableLists = new Map<string, { at: number; tables: Promise<TableConfig[]> }>();
  private journalOf: Journal | null | undefined;

  constructor(opts: ContextOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.batches = new Batches(this.clock);
    this.log = opts.log ?? ((line) => console.log(line));
    this.env = opts.env ?? process.env;
    this.cwd = opts.cwd ?? process.cwd();
    this.journalOf = opts.journal;
    for (const [name, conn] of Object.entries(opts.connections ?? {})) this.connections.set(name, conn);
  }

  /** Reads the connection `name` from stack config (`get`) with env fallbacks; a bad one fails its calls. */
  configure(get: (key: string) => string | undefined, name = ""): void {
    let conn: Connection | ConfigError;
    try {
      conn = readConnection(get, this.env);
    } catch (err) {
      conn = err instanceof ConfigError ? err : new ConfigError(String(err));
    }
    this.connections.set(name, conn);
    this.clients.delete(name);
    for (const key of this.tableLists.keys())
      if (key.startsWith(`${name}\u0000`)) this.tableLists.delete(key);
  }

  /** The client of connection `name` (unconfigured: read from the environment once). */
  client(name = ""): CelonisClient {
    if (!this.connections.has(name)) this.configure(() => undefined, name);
    const conn = this.connections.get(name);
    if (conn instanceof ConfigError || conn === undefined)
      throw conn ?? new ConfigError(`no connection ${name}`);
    let client = this.clients.get(name);
    if (!client) {
      client = new CelonisClient({
        url: conn.url,
        auth: conn.auth,
        timeoutMs: conn.requestTimeoutMs,
        now: () => this.clock.now(),
        sleep: (ms) => this.clock.sleep(ms),
      });
      this.clients.set(name, client);
    }
    return client;
  }

  /** The model's table list, shared for TABLES_TTL_MS (a failure is never kept). */
  tables(model: ModelRef): Promise<TableConfig[]> {
    const key = modelKey(model);
    const hit = this.tableLists.get(key);
    if (hit && this.clock.now() - hit.at < TABLES_TTL_MS) return hit.tables;
    const tables = this.client(model.connection).listTables(model.poolId, model.dataModelId);
    this.tableLists.set(key, { at: this.clock.now(), tables });
    tables.catch(() => this.tableLists.delete(key));
    return tables;
  }

  /** The trigger journal of this project (see journal.ts); null when turned off. */
  journal(): Journal | null {
    if (this.journalOf === undefined) {
      const file = journalPath(this.env, this.cwd);
      const warn = (m: string) => this.log(`warning: ${m}`);
      this.journalOf = file ? new Journal(file, warn, () => this.clock.now()) : null;
    }
    return this.journalOf;
  }
}
