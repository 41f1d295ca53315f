// The control API's handlers (`/_emulator/…`): what tests and demos use to inspect and steer the
// emulator over HTTP: the request log, fault rules, load behaviours, loads started "outside
// Pulumi", the clock offset, token expiry and reset. No auth, never logged, never faulted. Bodies are JSON; a bad one → 400.
import { z } from "zod";
import type { RouteRequest } from "./celonis-handlers";
import { validateBehaviour } from "./behaviour";
import { validateOffset } from "./clock-offset";
import type { EmulatorCore } from "./core";
import { ApiError } from "./api-error";
import { validateFaultRule, type Reply } from "./faults";
import { optionIssue, parseOrThrow } from "./validate";
import { LOAD_TYPES } from "./wire";

const NO_CONTENT: Reply = { status: 204 };

/** The JSON body, or undefined when empty; not JSON → 400. */
function json(req: RouteRequest): unknown {
  const raw = req.body.toString("utf8");
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(400, { error: "body is not valid JSON" });
  }
}

/** Runs `fn`; a validation Error becomes 400 `{error}` (ApiErrors such as 404 pass unchanged). */
function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, { error: (e as Error).message });
  }
}

const startLoadSchema = z.strictObject(
  {
    loadType: z.enum(LOAD_TYPES, { error: `must be ${LOAD_TYPES.join(", ")}` }).default("COMPLETE"),
    tableIds: z.array(z.string(), { error: "must be an array of strings" }).optional(),
  },
  { error: 'must be an object like {"loadType":"COMPLETE"}' },
);
const describeStartLoad = optionIssue("load", Object.keys(startLoadSchema.shape));

export const health = (): Reply => ({ status: 200, body: { ok: true } });

export const requests = (_req: RouteRequest, emu: EmulatorCore): Reply => ({
  status: 200,
  body: emu.log.list(),
});

export function clearRequests(_req: RouteRequest, emu: EmulatorCore): Reply {
  emu.log.clear();
  return NO_CONTENT;
}

export const faults = (_req: RouteRequest, emu: EmulatorCore): Reply => ({
  status: 200,
  body: emu.faults.list(),
});

/** A rule or an array of rules; all are checked before any is added. */
export function addFaults(req: RouteRequest, emu: EmulatorCore): Reply {
  const body = json(req);
  const rules = validated(() => (Array.isArray(body) ? body : [body]).map((r) => validateFaultRule(r)));
  for (const r of rules) emu.faults.add(r);
  return NO_CONTENT;
}

export function clearFaults(_req: RouteRequest, emu: EmulatorCore): Reply {
  emu.faults.clear();
  return NO_CONTENT;
}

export function setBehaviour(req: RouteRequest, emu: EmulatorCore): Reply {
  const body = json(req) ?? {};
  validated(() => emu.state.setBehaviour(req.params.modelId, validateBehaviour(body)));
  return NO_CONTENT;
}

/** A load "outside Pulumi": 201 with its record; never queued (busy → 400). */
export function startLoad(req: RouteRequest, emu: EmulatorCore): Reply {
  const body = validated(() => parseOrThrow(startLoadSchema, json(req) ?? {}, describeStartLoad));
  return { status: 201, body: emu.state.startLoad(req.params.modelId, body.loadType, body.tableIds) };
}

export const loads = (req: RouteRequest, emu: EmulatorCore): Reply => ({
  status: 200,
  body: emu.state.loads(req.params.modelId),
});

/** The clock-offset fault: `{offsetMs}` (negative: behind). */
export const clock = (_req: RouteRequest, emu: EmulatorCore): Reply => ({
  status: 200,
  body: { offsetMs: emu.clockOffsetMs },
});

export function setClock(req: RouteRequest, emu: EmulatorCore): Reply {
  const body = json(req) as { offsetMs?: unknown } | undefined;
  emu.clockOffsetMs = validated(() => validateOffset(body?.offsetMs));
  return NO_CONTENT;
}

export function expireTokens(_req: RouteRequest, emu: EmulatorCore): Reply {
  emu.auth.expireAll();
  return NO_CONTENT;
}

export function reset(_req: RouteRequest, emu: EmulatorCore): Reply {
  emu.reset();
  return NO_CONTENT;
}
