// The trigger protocol's start windows (trigger.ts), against a scripted Celonis on a fake clock:
// which attempt's send a window begins at, and whether the window says Celonis accepted the trigger.

import assert from "node:assert/strict";
import { CelonisError } from "../../provider/celonis/errors";
import type { CelonisHttp, HttpResponse } from "../../provider/celonis/http";
import { sendTrigger, type TriggerDeps } from "../../provider/celonis/trigger";

/** One scripted answer to a POST: an HTTP answer, or a connection failure with its code. */
type Answer = { status: number; body?: string; headers?: Record<string, string> } | { code: string };

/** A fake Celonis: the POST answers in order, each after 100 ms; Celonis's clock = the runner's + 1 h. */
function scripted(answers: Answer[]): { deps: TriggerDeps; sends: number[] } {
  let now = 1_000_000;
  const sends: number[] = [];
  const http = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    secrets: () => [],
    backoffMs: () => 2_000,
    clock: { serverTime: (ms: number) => ({ at: ms + 3_600_000, errorMs: 1_000 }) },
    request: async (): Promise<HttpResponse> => {
      sends.push(now);
      now += 100;
      const a = answers.shift()!;
      if ("code" in a)
        throw new CelonisError({ call: "trigger", retryable: true, code: a.code, celonisMessage: a.code });
      return { method: "POST", status: a.status, headers: a.headers ?? {}, body: a.body ?? "" };
    },
  };
  const deps: TriggerDeps = {
    // Only the members the protocol uses are faked (the rest of CelonisHttp is I/O it never reaches).
    http: http as unknown as CelonisHttp,
    lastLoad: async () => null,
    findLoad: async () => null,
  };
  return { deps, sends };
}

const call = {
  path: "/load",
  query: {},
  previousLoadId: "L0",
  loadType: "COMPLETE" as const,
  triggeredAt: 1_000_000,
  // Celonis's time of the first send, as callers passed it before windows began at the attempt that
  // went through (the protocol now reads each attempt's own time; this must not move the window).
  server: { at: 1_000_000 + 3_600_000, errorMs: 1_000 },
  deadline: 1_000_000 + 600_000,
};
const policy = { maxAttempts: 4, unansweredGraceMs: 4_000, answeredGraceMs: 2_000 };
const ctx = { call: "trigger" };
const busy = { status: 400, body: JSON.stringify({ frontendErrorKey: "DATA_MODEL_LOAD_ALREADY_RUNNING" }) };

describe("trigger protocol: when its load could have started", () => {
  it("a resend after a 429: the window begins at the attempt that went through, not the refused one", async () => {
    const { deps, sends } = scripted([{ status: 429 }, { code: "ECONNRESET" }, busy]);
    const r = await sendTrigger(deps, ctx, call, policy);
    assert.equal(r.confirmedBy, "busy");
    assert.equal(sends.length, 3);
    assert.equal(r.window?.from.at, sends[1] + 3_600_000);
  });

  it("an accepted attempt says so; a lost answer leaves the outcome unknown", async () => {
    const ok = await sendTrigger(scripted([{ status: 204 }]).deps, ctx, call, policy);
    assert.equal(ok.window?.accepted, true);
    // Its answer bounds which loads may be ours (ours.ts): the answer's time in Celonis's clock, plus the error.
    assert.equal(ok.window?.answeredBy, 1_000_000 + 100 + 3_600_000 + 1_000);
    const lost = await sendTrigger(scripted([{ code: "ECONNRESET" }, busy]).deps, ctx, call, policy);
    assert.equal(lost.confirmedBy, "busy");
    assert.ok(lost.window, "a lost answer still bounds the start");
    assert.equal(lost.window.accepted, undefined);
  });
});
