// The benchmark's arithmetic (scripts/bench/): how requests are classified, overlaps and detection
// lags counted, state sizes measured, targets computed and the timeline drawn. Its figures are only
// as good as these rules, so they are tested like the provider's; no speed is asserted here.
import { strict as assert } from "node:assert";
import type { LoadRecord, RequestLogEntry } from "../../packages/celonis-emulator";
import {
  detections,
  maxInFlight,
  overlappingLoads,
  phaseMetrics,
  requestKind,
  spread,
} from "../../scripts/bench/metrics";
import { outputLoadIds, type PhaseRecord } from "../../scripts/bench/phase-run";
import { caseFigures } from "../../scripts/bench/concurrent-stacks";
import { EXTRA_READS_PER_WAIT, providerPollsAtTrigger } from "../../scripts/bench/provider-adapter";
import {
  PYCELONIS,
  aroundHistory,
  replay,
  replaySchedules,
  scheduleTargets,
} from "../../scripts/bench/schedule";
import { measureState } from "../../scripts/bench/state-size";
import { benchResources, benchSeed, LARGE_STACK } from "../../scripts/bench/stack-shape";
import { largeStackTargets, summarize } from "../../scripts/bench/summary";
import { timelineSvg } from "../../scripts/bench/timeline-svg";
import { validateSeed } from "../../packages/celonis-emulator";
import { nextPollDelayMs } from "../../provider/celonis/status";

const V1 = "/integration/api/v1/data-pools/p/data-models";
const MODEL_PATH = "/integration/api/pools/p/data-models";

function load(id: string, model: string, start: number, end: number | null): LoadRecord {
  return {
    dataLoadId: id,
    dataModelId: model,
    startDate: start,
    endDate: end,
    loadStatus: end === null ? "RUNNING" : "SUCCESS",
    message: null,
    loadType: "PARTIAL",
    dataPoolVersion: null,
  };
}

function req(time: number, method: string, path: string, status = 200): RequestLogEntry {
  return { time, method, path, query: {}, status, auth: "bearer" };
}

describe("bench: requests and loads", () => {
  it("classifies every request the provider makes", () => {
    const kinds = [
      ["GET", `${V1}/m/last-load`, "GET last-load"],
      ["GET", `${MODEL_PATH}/m/load-history/load-info-sync`, "GET load-info-sync"],
      ["GET", `${V1}/m/tables`, "GET tables"],
      ["POST", `${V1}/m/load`, "POST load"],
      ["POST", `${V1}/m/load/partial-sync`, "POST partial-sync"],
      ["POST", "/oauth2/token", "POST token"],
      ["GET", `${MODEL_PATH}/m`, "GET data-model"],
      ["DELETE", `${V1}/m`, "DELETE other"],
    ];
    for (const [method, path, kind] of kinds) assert.equal(requestKind({ method, path }), kind, path);
  });

  it("counts loads of one model that ran at once, not loads of different models", () => {
    assert.equal(overlappingLoads([load("a", "m1", 0, 100), load("b", "m1", 100, 200)]), 0);
    assert.equal(overlappingLoads([load("a", "m1", 0, 100), load("b", "m2", 50, 200)]), 0);
    assert.equal(overlappingLoads([load("a", "m1", 0, 100), load("b", "m1", 99, 200)]), 1);
    assert.equal(overlappingLoads([load("a", "m1", 0, null), load("b", "m1", 500, 600)]), 1);
  });

  it("finds the most steps running at once", () => {
    const step = (s: number, e: number | null) => ({ name: "r", startedAt: s, endedAt: e, loadIds: [] });
    assert.equal(maxInFlight([step(0, 10), step(10, 20), step(20, 30)]), 1);
    assert.equal(maxInFlight([step(0, 10), step(5, 20), step(6, 7), step(8, 30)]), 3);
    assert.equal(maxInFlight([step(0, null), step(100, 200)]), 2);
  });

  it("dates a load's detection by the first status read after its end and the first step recording it", () => {
    const l = load("L", "m1", 1000, 3000);
    const requests = [
      req(2900, "GET", `${V1}/m1/last-load`),
      req(3100, "GET", `${V1}/m2/last-load`),
      req(3200, "GET", `${V1}/m1/tables`),
      req(3400, "GET", `${V1}/m1/last-load`),
    ];
    const steps = [
      { name: "a", startedAt: 0, endedAt: 3900, loadIds: ["L"] },
      { name: "b", startedAt: 0, endedAt: 3600, loadIds: ["L"] },
      { name: "c", startedAt: 0, endedAt: 3500, loadIds: ["other"] },
    ];
    assert.deepEqual(detections([l], requests, steps), [{ load: l, polledAt: 3400, completedAt: 3600 }]);
  });

  it("computes a phase's figures from the emulator's records", () => {
    const rec: PhaseRecord = {
      phase: "create-p64",
      parallel: 64,
      startedAt: 0,
      wallMs: 5000,
      loads: [load("L1", "m1", 1000, 3000), load("L2", "m2", 1000, 3000)],
      requests: [
        req(900, "POST", `${V1}/m1/load/partial-sync`),
        req(950, "POST", `${V1}/m2/load/partial-sync`, 400),
        req(3500, "GET", `${V1}/m1/last-load`),
        req(3700, "GET", `${V1}/m2/last-load`),
      ],
      steps: [{ name: "m01-r1", startedAt: 0, endedAt: 4000, loadIds: ["L1"] }],
      changes: { create: 1 },
    };
    const m = phaseMetrics(rec, ["m1", "m2", "m3"]);
    assert.equal(m.loads, 2);
    assert.deepEqual(m.loadsPerModel, { n: 3, min: 0, median: 1, max: 1 });
    assert.equal(m.refusedTriggers, 1);
    assert.equal(m.writes, 2);
    assert.equal(m.requestsPerLoadTotal, 2);
    assert.deepEqual(m.pollLags, [0.5, 0.7]);
    assert.deepEqual(m.completionLags, [1]);
    assert.equal(m.unmatchedLoads, 1);
  });

  it("reads the load ids a resource's outputs name, ignoring what is not an id", () => {
    assert.deepEqual(outputLoadIds({ planLoad: { loadId: "a" }, lastLoad: { loadId: "b" } }), ["a", "b"]);
    assert.deepEqual(outputLoadIds({ planLoad: null, lastLoad: { loadId: "b" } }), ["b"]);
    assert.deepEqual(outputLoadIds({ planLoad: { loadId: "a" }, lastLoad: { loadId: "a" } }), ["a"]);
    assert.deepEqual(outputLoadIds(undefined), []);
  });

  it("takes medians of odd and even counts", () => {
    assert.equal(spread([3, 1, 2]).median, 2);
    assert.equal(spread([4, 1, 2, 3]).median, 2.5);
    assert.equal(spread([]).n, 0);
  });
});

describe("bench: the large stack", () => {
  it("gives every resource its own tables of a model that exists in the seed", () => {
    const seed = validateSeed(benchSeed(LARGE_STACK));
    const resources = benchResources(LARGE_STACK);
    assert.equal(seed.pools[0].dataModels.length, 20);
    assert.equal(resources.length, 60);
    for (const r of resources) {
      const model = seed.pools[0].dataModels.find((m) => m.id === r.modelId);
      assert.ok(model, r.name);
      for (const t of r.tables)
        assert.ok(
          model.tables.some((x) => x.name === t),
          `${r.name} ${t}`,
        );
    }
    const owned = resources.map((r) => `${r.modelId}/${r.tables.join(",")}`);
    assert.equal(new Set(owned).size, owned.length);
  });

  it("measures the state file and the serialized provider's share of it", () => {
    const provider = "x".repeat(100);
    const resource = {
      type: "pulumi-nodejs:dynamic/celonis:DataModelReload",
      inputs: { __provider: provider },
      outputs: { __provider: provider },
    };
    const text = JSON.stringify({
      checkpoint: { latest: { resources: [{ type: "pulumi:pulumi:Stack" }, resource, resource] } },
    });
    const s = measureState(text);
    assert.equal(s.resources, 2);
    assert.equal(s.providerBytes, 100);
    assert.equal(s.providerCopies, 4);
    assert.equal(s.providerShare, (4 * 102) / text.length);
    assert.equal(s.bytesPerResource, JSON.stringify(resource).length);
  });

  it("computes the time targets from the same runs' own cost", () => {
    const base = (
      phase: PhaseRecord["phase"],
      wallMs: number,
      loads: number,
      models: string[],
    ): PhaseRecord => ({
      phase,
      parallel: null,
      startedAt: 0,
      wallMs,
      loads: Array.from({ length: loads }, (_, i) => load(`${phase}${i}`, models[i % models.length], 0, 1)),
      requests: [],
      steps: [],
      changes: {},
    });
    const models = ["m1", "m2"];
    const runs = [
      [
        base("own-p64", 4000, 0, models),
        base("create-p64", 7000, 2, models),
        base("own-default", 4000, 0, models),
      ],
      [base("create-default", 30000, 6, models)],
    ].map((rs) => rs.map((r) => phaseMetrics(r, models)));
    const targets = largeStackTargets(summarize(runs), {
      loadSeconds: 2,
      resources: 60,
      defaultSlots: 8,
      state: null,
    });
    const byName = new Map(targets.map((t) => [t.name, t]));
    assert.ok(Math.abs(byName.get("create-p64 wall")!.limit - 1.3 * 6) < 1e-9);
    assert.equal(byName.get("create-p64 wall")!.pass, true);
    assert.equal(byName.get("create-p64 loads per model")!.pass, true);
    assert.ok(Math.abs(byName.get("create-default wall")!.limit - 1.3 * (4 + 8 * 2)) < 1e-9);
    assert.equal(byName.get("create-default wall")!.pass, false);
    assert.equal(byName.get("serialized __provider")!.pass, false, "not measured is not a pass");
  });

  it("draws one bar per load and escapes its text", () => {
    const svg = timelineSvg(
      "a < b",
      ["m01", "m02"],
      [
        {
          title: "create & co",
          color: "#123456",
          seconds: 10,
          bars: [
            { row: 0, start: 1, end: 3, detected: 4 },
            { row: 1, start: 1, end: 3, detected: null },
          ],
        },
      ],
    );
    assert.equal(svg.match(/fill="#123456"/g)?.length, 2);
    assert.equal(svg.match(/class="lag"/g)?.length, 1);
    assert.ok(svg.includes("a &lt; b") && svg.includes("create &amp; co"));
    assert.ok(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"));
  });
});

describe("bench: poll schedules", () => {
  it("replays a wait: a poll at the trigger, then one after each delay until the load has ended", () => {
    // pycelonis: polls at 0, 0.1, 0.4, 1.3, 3.3 s: a 2 s load is seen at 3.3 s.
    const r = replay(2000, PYCELONIS);
    assert.equal(r.requests, 5);
    assert.equal(r.lagMs, 1300);
    assert.equal(replay(2000, PYCELONIS, 1).requests, 6);
  });

  it("judges the schedule targets: pooled lag, the worst long length, and no length worse than before", () => {
    const w = (len: number, lag: number, requests: number, refLag: number, refRequests: number) => ({
      lengthSeconds: len,
      provider: { requests, lagSeconds: lag },
      reference: { requests: refRequests, lagSeconds: refLag },
      requestsRatio: requests / refRequests,
    });
    const targets = scheduleTargets({
      withHistory: [w(2, 0.3, 6, 1.3, 5)],
      withHistoryMedianLagSeconds: 0.4,
      long: {
        worstRequestsRatio: 0.25,
        worstMedianLagSeconds: 1.5,
        requestsRatio: 0.1,
        medianLagSeconds: 1,
        pycelonisMedianLagSeconds: 1,
      },
      withoutHistory: [w(2, 1.3, 6, 1.3, 6), w(120, 5.2, 35, 5.16, 34)],
    });
    assert.deepEqual(
      targets.map((t) => [t.measured, t.pass]),
      [
        [0.4, true],
        [0.25, false],
        [1.5, true],
        [1, false],
      ],
    );
  });

  it("uses the provider's own poll function in the replay", () => {
    const r = replaySchedules();
    assert.deepEqual(
      r.withoutHistory.map((w) => w.lengthSeconds),
      [2, 6, 30, 120, 600, 3600],
    );
    assert.ok(r.withHistory.every((x) => x.provider.requests > 0 && x.requestsRatio > 0));
    // The 2 s row, replayed here straight from the provider's nextPollDelayMs: the same figures.
    const direct = aroundHistory(2000).map((d) =>
      replay(d, (e) => nextPollDelayMs(e, 2000), EXTRA_READS_PER_WAIT, providerPollsAtTrigger(2000)),
    );
    const row = r.withHistory.find((x) => x.lengthSeconds === 2);
    assert.deepEqual(row?.provider, {
      requests: spread(direct.map((x) => x.requests)).median,
      lagSeconds: spread(direct.map((x) => x.lagMs / 1000)).median,
    });
  });
});

describe("bench: concurrent stacks", () => {
  it("takes the slowest up against the lone stack's, and counts loads, overlaps and failed ups", () => {
    const run = (index: number, startedAt: number, endedAt: number, error?: string) => ({
      index,
      startedAt,
      endedAt,
      reloads: [],
      ...(error === undefined ? {} : { error }),
    });
    const runs = [run(0, 1000, 6000), run(1, 1000, 13_000), run(2, 1200, 9200, "boom")];
    const loads = [load("a", "m", 2000, 4000), load("b", "m", 3000, 5000), load("c", "m", 5000, 7000)];
    const fig = caseFigures({ stacks: 3, scope: "whole" }, runs, loads, 4);
    assert.deepEqual(fig.upSeconds, [5, 12, 8]);
    assert.equal(fig.slowestUpSeconds, 12);
    assert.equal(fig.slowestVsLone, 3);
    assert.equal(fig.loads, 3);
    assert.equal(fig.overlappingLoads, 1);
    assert.equal(fig.failedUps, 1);
    assert.ok(Number.isNaN(caseFigures({ stacks: 1, scope: "whole" }, runs, [], 0).slowestVsLone));
  });
});
