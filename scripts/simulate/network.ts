// The simulated network between a provider process and the simulated Celonis, plugged into the
// client a provider context built (CelonisClient → CelonisHttp, with its retries, parsing, trigger
// protocol and waits, on the context's clock) in place of axios's transport: http.ts builds its axios
// instance itself and the context passes no source of chance, so this reaches into two private
// fields, `axios` (its `request` answered here) and `random` (the retry jitter, drawn from the seed).
// Faults, per request: a 5xx before or after Celonis acted, a 429 with Retry-After, a connection
// reset before the request arrived or after Celonis acted (the answer lost), a request that arrives
// late (after the client gave up on it), and outages during which every request fails.

import type { CelonisClient } from "../../provider/celonis/client";
import type { SimCelonis } from "./celonis";
import type { Prng } from "./prng";
import type { Proc, World } from "./world";

/** How often each fault strikes a request (0–1), and outages. */
export interface Faults {
  serverError: number;
  tooMany: number;
  resetBefore: number;
  lostAnswer: number;
  late: number;
  /** Windows of true time in which every request gets a 503. */
  outages: { from: number; to: number }[];
  /** Faults for the next trigger requests, in order (a scripted scenario's). */
  nextTriggers?: string[];
}

/** No faults at all (the quiet end of a history). */
export const NO_FAULTS: Faults = {
  serverError: 0,
  tooMany: 0,
  resetBefore: 0,
  lostAnswer: 0,
  late: 0,
  outages: [],
};

/** What axios's `request` receives from http.ts (the fields the simulation reads). */
interface AxiosCall {
  method: string;
  url: string;
  params?: Record<string, string>;
  data?: string;
  timeout: number;
  signal?: AbortSignal;
}

/** What http.ts reads of an axios answer. */
interface AxiosAnswer {
  status: number;
  headers: Record<string, string>;
  data: string;
}

/** The network of one simulation: every process's requests go through it. */
export class SimNetwork {
  faults: Faults;

  constructor(
    private readonly world: World,
    private readonly celonis: SimCelonis,
    private readonly rng: Prng,
    faults: Faults,
  ) {
    this.faults = faults;
  }

  /** Connects `client` (a context's, for `proc`) to the simulated Celonis; `tag` names what it triggers. */
  connect(client: CelonisClient, proc: Proc, tag: () => string, random: Prng): void {
    // The two seams (see the header).
    const http = (client as unknown as { http: { axios: { request: unknown }; random: () => number } }).http;
    http.axios.request = (call: AxiosCall) => this.send(proc, call, tag());
    http.random = () => random.next();
  }

  private send(proc: Proc, call: AxiosCall, tag: string): Promise<AxiosAnswer> {
    const w = this.world;
    const latency = () => Math.round(this.rng.between(20, 250));
    const method = call.method.toUpperCase();
    const path = call.url.split("?")[0];
    return new Promise<AxiosAnswer>((resolve, reject) => {
      const sentAt = w.now;
      const giveUpAt = sentAt + call.timeout;
      const fault =
        method === "POST" && this.faults.nextTriggers?.length
          ? this.faults.nextTriggers.shift()!
          : this.pickFault(sentAt);
      // The client gives up at its attempt timeout, or when its signal fires, whatever happens on the way.
      let open = true;
      const end = (outcome: () => void) => {
        if (!open) return;
        open = false;
        cancelGiveUp();
        call.signal?.removeEventListener("abort", onAbort);
        outcome();
      };
      const fail = (code: string) => end(() => reject(Object.assign(new Error(code), { code })));
      const onAbort = () => fail("ERR_CANCELED");
      const cancelGiveUp = w.at(giveUpAt, () => fail("ECONNABORTED"), proc);
      call.signal?.addEventListener("abort", onAbort, { once: true });
      const answer = (at: number, a: AxiosAnswer | { code: string }) => {
        if (at >= giveUpAt) return;
        w.at(at, () => ("code" in a ? fail(a.code) : end(() => resolve(a))), proc);
      };
      const arrive =
        sentAt +
        (fault === "late" ? Math.round(this.rng.between(call.timeout * 0.5, call.timeout * 1.5)) : latency());
      w.log(() => `${proc.name}: ${method} ${short(path)}${fault ? ` [${fault}]` : ""}`);
      if (fault === "resetBefore") return answer(arrive, { code: "ECONNRESET" });
      if (fault === "outage") return answer(arrive, this.status(503));
      if (fault === "tooMany")
        return answer(arrive, {
          ...this.status(429),
          headers: { "retry-after": String(this.rng.int(1, 5)) },
        });
      if (fault === "serverErrorBefore") return answer(arrive, this.status(this.rng.pick([500, 502, 503])));
      w.at(arrive, () => {
        const a = this.celonis.serve(method, path, call.params ?? {}, call.data, tag);
        const back = w.now + latency();
        if (fault === "lostAnswer") return answer(back, { code: "ECONNRESET" });
        if (fault === "serverErrorAfter") return answer(back, this.status(500));
        answer(back, { status: a.status, headers: a.headers, data: a.body });
      });
    });
  }

  private pickFault(at: number): string | null {
    const f = this.faults;
    if (f.outages.some((o) => at >= o.from && at < o.to)) return "outage";
    const odds: [string, number][] = [
      ["serverErrorBefore", f.serverError / 2],
      ["serverErrorAfter", f.serverError / 2],
      ["tooMany", f.tooMany],
      ["resetBefore", f.resetBefore],
      ["lostAnswer", f.lostAnswer],
      ["late", f.late],
    ];
    let r = this.rng.next();
    for (const [fault, p] of odds) {
      if (r < p) return fault;
      r -= p;
    }
    return null;
  }

  private status(status: number): AxiosAnswer {
    return { status, headers: {}, data: JSON.stringify({ message: `simulated ${status}` }) };
  }
}

function short(path: string): string {
  return path.replace(/^.*data-models\/[^/]+/, "");
}
