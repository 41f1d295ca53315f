// The parts of one running emulator, built from its options: the clock, the in-memory Celonis, the
// credentials, the fault rules and the request log. Routes get this object; server.ts adds HTTP.
import { AuthService, DEFAULT_CREDENTIALS, type OAuthClient } from "./auth";
import { TimerGroup, systemClock, type Clock } from "./clock";
import { validateOffset } from "./clock-offset";
import { FaultSet } from "./faults";
import { RequestLog } from "./request-log";
import { loadSeed, type Seed } from "./seed";
import { EmulatorState } from "./state";
import { LOAD_OUTCOMES, type LoadOutcome } from "./wire";

export interface EmulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed object or JSON file path; default the shipped seed/demo.json. */
  seed?: Seed | string;
  /** User API keys (`Authorization: Bearer <key>`). */
  apiKeys?: string[];
  /** Application keys (`Authorization: AppKey <key>`). */
  appKeys?: string[];
  /** OAuth clients for `POST /oauth2/token`. */
  oauthClients?: OAuthClient[];
  /** Lifetime of issued OAuth tokens; default 899 (as Celonis). */
  tokenLifetimeSeconds?: number;
  /** Default load duration; default 2000 ms. */
  loadMs?: number;
  /** Default final load status; default SUCCESS. */
  outcome?: LoadOutcome;
  /** Queue a trigger that arrives while a load runs instead of answering 400. */
  queueTriggers?: boolean;
  /** Key or OAuth client id → pool ids it may use (others → 403). Keys not listed may use every pool. */
  poolAccess?: Record<string, string[]>;
  /** v1 `last-load` answers 404, so a client's fallback to load-info-sync can be tested. */
  disableV1LastLoad?: boolean;
  /** Now and timers (loads, token expiry, fault delays); default the system clock. Tests pass a ManualClock. */
  clock?: Clock;
  /** The clock-offset fault: the API's `Date` header and load dates are this far ahead (ms; < 0 behind). */
  clockOffsetMs?: number;
  /** Called with one line per API request (no credentials in it). */
  log?: (line: string) => void;
}

export interface EmulatorCore {
  state: EmulatorState;
  auth: AuthService;
  faults: FaultSet;
  log: RequestLog;
  /** Timers of fault delays (cancelled on stop). */
  timers: TimerGroup;
  disableV1LastLoad: boolean;
  /** The true time (the options' clock), epoch ms. */
  now(): number;
  /** How far the API's clock is off the true time (ms): the clock-offset fault (clock-offset.ts). */
  clockOffsetMs: number;
  /** Back to the seed: loads, behaviours, faults (the clock offset too), the log and issued tokens. */
  reset(): void;
}

/** The credentials the emulator accepts: those configured, or the demo ones when none are. */
function authService(opts: EmulatorOptions, clock: Clock): AuthService {
  const none = opts.apiKeys === undefined && opts.appKeys === undefined && opts.oauthClients === undefined;
  const { apiKey, appKey, clientId, clientSecret } = DEFAULT_CREDENTIALS;
  return new AuthService({
    apiKeys: opts.apiKeys ?? (none ? [apiKey] : []),
    appKeys: opts.appKeys ?? (none ? [appKey] : []),
    oauthClients: opts.oauthClients ?? (none ? [{ clientId, clientSecret }] : []),
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 899,
    poolAccess: opts.poolAccess ?? {},
    clock,
  });
}

/** Checks the options and builds the parts; throws Error (or SeedError) on a bad option or seed. */
export function createCore(opts: EmulatorOptions): EmulatorCore {
  const seed = loadSeed(opts.seed);
  const loadMs = opts.loadMs ?? 2000;
  if (!(Number.isFinite(loadMs) && loadMs >= 0)) throw new Error("loadMs must be a number >= 0");
  const outcome = opts.outcome ?? "SUCCESS";
  if (!LOAD_OUTCOMES.includes(outcome)) throw new Error(`outcome must be one of ${LOAD_OUTCOMES.join(", ")}`);
  const clock = opts.clock ?? systemClock;
  const core: EmulatorCore = {
    state: new EmulatorState(seed, { loadMs, outcome, queueTriggers: opts.queueTriggers === true, clock }),
    auth: authService(opts, clock),
    faults: new FaultSet(clock),
    log: new RequestLog(clock, opts.log),
    timers: new TimerGroup(clock),
    disableV1LastLoad: opts.disableV1LastLoad === true,
    now: () => clock.now(),
    clockOffsetMs: validateOffset(opts.clockOffsetMs ?? 0),
    reset: () => {
      core.clockOffsetMs = 0;
      core.state.reset();
      core.faults.clear();
      core.auth.reset();
      core.log.clear();
    },
  };
  return core;
}
