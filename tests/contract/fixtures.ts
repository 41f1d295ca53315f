// The documented Celonis answers (docs/celonis-api.md), one JSON example per response shape under
// tests/contract/fixtures/, written from the documentation and never from the emulator's output,
// and the shapes learnt from them. Both contract test sets read them: the emulator's answers must
// have these shapes, and the client's parsers must read these examples right.
import * as fs from "node:fs";
import * as path from "node:path";
import { shapeOf, type Shape } from "./shape";

/** The parsed JSON of tests/contract/fixtures/<name>.json. */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8")) as T;
}

const elementsOf = (name: string): unknown[] => fixture<unknown[]>(name);

/** Documented values of enum fields, by field name or `parent.field`. */
export const ENUMS = fixture<Record<string, string[]>>("enums");

export const SHAPES = {
  /** `GET …/v1/…/tables`. */
  tables: shapeOf([fixture("tables")]),
  /** `GET …/v1/…/last-load` (200), and each entry of load-info-sync's history. */
  loadRecord: shapeOf([fixture("last-load"), fixture("last-load-running")]),
  /** `GET …/load-history/load-info-sync`: a load running, a loaded model at rest, a never-loaded model. */
  loadInfoSync: shapeOf([
    fixture("load-info-sync"),
    fixture("load-info-sync-idle"),
    fixture("load-info-sync-never-loaded"),
  ]),
  /** `GET /integration/api/pools`, and one of them (`GET …/pools/{poolId}`). */
  pools: shapeOf([fixture("pools")]),
  pool: shapeOf(elementsOf("pools")),
  /** `GET …/pools/{poolId}/data-models`, and one of them. */
  dataModels: shapeOf([fixture("data-models")]),
  dataModel: shapeOf(elementsOf("data-models")),
  /** 400 DATA_MODEL_LOAD_ALREADY_RUNNING. */
  alreadyRunning: shapeOf([fixture("error-400-already-running")]),
  /** 500. */
  internalError: shapeOf([fixture("error-500")]),
  /** `POST /oauth2/token`: 200, and 401 invalid_client. */
  token: shapeOf([fixture("oauth-token")]),
  oauthError: shapeOf([fixture("oauth-error")]),
} satisfies Record<string, Shape>;

/** The documented 429: status, the x-ratelimit-* headers and a plain-text body. */
export const RATE_LIMITED = fixture<{ status: number; headers: Record<string, string>; body: string }>(
  "rate-limited",
);
