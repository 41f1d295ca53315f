// Everything the provider keeps between calls, in one object instead of module variables: the
// clock, the connections by name (the unnamed one and those of `celonis:connections`, read from the
// stack config `configure` was given) with their clients, table and load-info caches, the trigger journal, the logger, and the batches with their
// announcements. The dynamic-provider host makes one per process (handlers.ts), the plugin one per
// configured provider instance, and each test its own, so two configurations never meet.

import { CelonisClient } from "./celonis/client";
import type { LoadInfoSync, TableConfig } from "./celonis/types";
import { Batches, modelKey, type ModelRef } from "./batch";
import { systemClock, type Clock } from "./clock";
import { ConfigError, type Connection } from "./config";
import { selectConnection } from "./connections";
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
  /** Connections set directly (ContextOptions.connections): they outlive `configure`. */
  private readonly fixed: Record<string, Connection>;
  private readonly clients = new Map<string, CelonisClient>();
  private readonly tableLists = new Map<string, { at: number; tables: Promise<TableConfig[]> }>();
  private readonly loadInfos = new Map<string, { at: number; info: Promise<LoadInfoSync> }>();
  /** The stack config `configure` was given (named connections are read from it when first used). */
  private config: (key: string) => string | undefined = () => undefined;
  private journalOf: Journal | null | undefined;

  constructor(opts: ContextOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.batches = new Batches(this.clock);
    this.log = opts.log ?? ((line) => console.log(line));
    this.env = opts.env ?? process.env;
    this.cwd = opts.cwd ?? process.cwd();
    this.journalOf = opts.journal;
    this.fixed = opts.connections ?? {};
  }

  /**
   * Takes the stack config (`get`): the unnamed connection is read from it with env fallbacks, named
   * ones (`celonis:connections`) when first used; a bad one fails its calls. Forgets earlier ones.
   */
  configure(get: (key: string) => string | undefined): void {
    this.config = get;
    this.connections.clear();
    this.clients.clear();
    this.tableLists.clear();
    this.loadInfos.clear();
  }

  /** Connection `name` ("" the unnamed one), read once by connections.ts's rules. */
  private connection(name: string): Connection | ConfigError {
    let conn: Connection | ConfigError | undefined = this.fixed[name] ?? this.connections.get(name);
    if (conn) return conn;
    try {
      conn = selectConnection(name, this.config, this.env);
    } catch (err) {
      conn = err instanceof ConfigError ? err : new ConfigError(String(err));
    }
    this.connections.set(name, conn);
    return conn;
  }

  /** The client of connection `name` ("" the unnamed one); throws the connection's ConfigError. */
  client(name = ""): CelonisClient {
    const conn = this.connection(name);
    if (conn instanceof ConfigError) throw conn;
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

  /**
   * The model's load info (its history, for the expected duration), shared for TABLES_TTL_MS like
   * the table list: one read per model for a deployment's previews. A failure is never kept.
   */
  loadInfo(model: ModelRef): Promise<LoadInfoSync> {
    const key = modelKey(model);
    const hit = this.loadInfos.get(key);
    if (hit && this.clock.now() - hit.at < TABLES_TTL_MS) return hit.info;
    const { poolId, dataModelId } = model;
    const info = this.client(model.connection).getLoadInfo(poolId, dataModelId, {});
    this.loadInfos.set(key, { at: this.clock.now(), info });
    info.catch(() => this.loadInfos.delete(key));
    return info;
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
