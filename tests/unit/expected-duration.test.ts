// The plan's expected duration: the history's average for the planned load type, else unknown.

import assert from "node:assert/strict";
import type { LoadInfoSync, LoadType } from "../../provider/celonis/types";
import { expectedDuration, type ExpectedDuration } from "../../provider/expected-duration";

const history = (averages: { type: string; averageLoadingTime: number }[]): LoadInfoSync => ({
  loadInfo: null,
  loadHistory: { lastSuccessfulDataModel: null, dataLoadHistory: [], averageLoadTime: averages },
});
const AVERAGES = history([
  { type: "COMPLETE", averageLoadingTime: 7_800_000 },
  { type: "PARTIAL", averageLoadingTime: 312_040 },
  { type: "FROM_CACHE", averageLoadingTime: 0 },
]);

describe("expected duration from the load history", () => {
  const cases: [string, LoadInfoSync | null | undefined, LoadType | null, ExpectedDuration][] = [
    [
      "a complete load: 2 h 10 min",
      AVERAGES,
      "COMPLETE",
      { expectedSeconds: 7800, basis: "history average of COMPLETE loads" },
    ],
    [
      "a partial load, to a tenth of a second",
      AVERAGES,
      "PARTIAL",
      { expectedSeconds: 312, basis: "history average of PARTIAL loads" },
    ],
    ["an average of zero is no average", AVERAGES, "FROM_CACHE", { expectedSeconds: null, basis: "unknown" }],
    ["no history (never loaded)", history([]), "COMPLETE", { expectedSeconds: null, basis: "unknown" }],
    [
      "no average for this type",
      history([{ type: "PARTIAL", averageLoadingTime: 5000 }]),
      "COMPLETE",
      { expectedSeconds: null, basis: "unknown" },
    ],
    ["not read", undefined, "COMPLETE", { expectedSeconds: null, basis: "unknown" }],
    ["no load planned", AVERAGES, null, { expectedSeconds: null, basis: "unknown" }],
    [
      "loadHistory null",
      { loadInfo: null, loadHistory: null },
      "COMPLETE",
      { expectedSeconds: null, basis: "unknown" },
    ],
    [
      "type matched case-insensitively",
      history([{ type: "complete", averageLoadingTime: 1250 }]),
      "COMPLETE",
      { expectedSeconds: 1.3, basis: "history average of COMPLETE loads" },
    ],
  ];
  for (const [name, info, loadType, expected] of cases) {
    it(name, () => assert.deepEqual(expectedDuration(info, loadType), expected));
  }
});
