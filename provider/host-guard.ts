// Keeps a provider process (the dynamic-provider host, or the plugin) from outliving the engine. The
// engine starts the host (`node …/cmd/dynamic-provider <engine address>`) in a process group of its
// own, so when `pulumi up` is killed (SIGKILL, a second Ctrl-C, a lost CI runner) nothing stops the host: it keeps polling
// Celonis for a deployment nobody runs any more, and once it prints a progress line to the closed
// pipe it spins a core in an EPIPE loop. This guard ends the process when its output pipe breaks,
// or when the engine's address, which answered before, stops answering. The load itself keeps
// running in Celonis; the trigger journal (journal.ts) lets the next `up` settle it.

import * as net from "net";

/** Is this process the dynamic-provider host (and not a test or a program loading the handlers)? */
export function isProviderHost(argv: readonly string[] = process.argv): boolean {
  return /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(argv[1] ?? "");
}

/** The engine's address from the host's arguments ("127.0.0.1:34985"), or null. */
export function engineAddress(argv: readonly string[] = process.argv): { host: string; port: number } | null {
  return parseAddress(argv[2]);
}

/** "host:port" (or "[::1]:port") as a host and a port, or null. */
export function parseAddress(text: string | undefined): { host: string; port: number } | null {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text ?? "");
  return m ? { host: m[1], port: Number(m[2]) } : null;
}

/** What the watchdog knows: whether the engine ever answered, and how many probes failed since. */
export interface WatchdogState {
  answered: boolean;
  failures: number;
}

/** Probes that must fail in a row, after the engine answered once, before the host exits. */
export const FAILURES_TO_EXIT = 3;

/**
 * The watchdog's decision after one probe. An address that never answered (a test harness passing a
 * placeholder) never ends the process; one that answered and then failed FAILURES_TO_EXIT times
 * does. Pure.
 */
export function afterProbe(state: WatchdogState, ok: boolean): { state: WatchdogState; exit: boolean } {
  if (ok) return { state: { answered: true, failures: 0 }, exit: false };
  const next = { answered: state.answered, failures: state.failures + 1 };
  return { state: next, exit: next.answered && next.failures >= FAILURES_TO_EXIT };
}

/** Does something accept TCP connections at `address`? */
export function probeAddress(address: { host: string; port: number }, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Whether a stream error means the other end of the pipe is gone. */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || code === "ECONNRESET";
}

let installed = false;
/** The engine the guard watches (null: not in a provider process, or no address). */
let engine: { host: string; port: number } | null = null;
/** What the watchdog has learnt of the engine so far (shared with engineReachable). */
let watchdog: WatchdogState = { answered: false, failures: 0 };

/**
 * Is the engine still there to receive what a call returns? True when no engine is watched, and
 * for an address that never answered (a test harness); otherwise one probe decides. The trigger
 * journal keeps an entry when this is false: the engine will never record that load.
 */
export async function engineReachable(): Promise<boolean> {
  if (!engine) return true;
  return (await probeAddress(engine)) || !watchdog.answered;
}

/**
 * Installs the guard once: in the dynamic-provider host (the engine's address from its arguments),
 * or in a plugin that passes the engine's `address`. Elsewhere (tests, programs) it does nothing.
 * `exit` and the interval are for tests.
 */
export function installHostGuard(
  opts: {
    argv?: readonly string[];
    address?: { host: string; port: number } | null;
    exit?: (code: number) => void;
    intervalMs?: number;
  } = {},
): void {
  const argv = opts.argv ?? process.argv;
  const inHost = isProviderHost(argv);
  if (installed || (!inHost && !opts.address)) return;
  installed = true;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const onStreamError = (err: unknown) => {
    if (isBrokenPipe(err)) exit(1);
  };
  process.stdout.on("error", onStreamError);
  process.stderr.on("error", onStreamError);
  const address = opts.address ?? (inHost ? engineAddress(argv) : null);
  if (!address) return;
  engine = address;
  let probing = false;
  const probe = async () => {
    if (probing) return;
    probing = true;
    const verdict = afterProbe(watchdog, await probeAddress(address));
    probing = false;
    watchdog = verdict.state;
    if (verdict.exit) exit(1);
  };
  void probe();
  setInterval(probe, opts.intervalMs ?? 2_000).unref();
}
