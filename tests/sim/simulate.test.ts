// The deterministic simulation of the reload protocol (scripts/simulate): 2,000 seeded histories
// keep the exactly-once promise (split over two processes, the machine's two cores), the old
// five-minute matcher is caught within 1,000, the kept seeds replay as recorded, and the reset
// trigger after two loads (a scripted scenario) loads its change exactly once.

import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { simulate, type SimOptions } from "../../scripts/simulate/history";
import { knownDefect, runHistories } from "../../scripts/simulate/run";
import { SCENARIOS } from "../../scripts/simulate/scenarios";
import seeds from "../../scripts/simulate/seeds.json";

const root = path.resolve(__dirname, "../..");
const base: SimOptions = { matcher: "ours", maxOffsetMs: 4 * 60_000, tracing: false };

/** One process running `count` histories from `first`: its summary line. */
function histories(first: number, count: number): Promise<string> {
  const cli = path.join(root, "scripts/simulate/cli.ts");
  const args = [
    "-r",
    "ts-node/register/transpile-only",
    cli,
    "--histories",
    String(count),
    "--first-seed",
    String(first),
  ];
  args.push("--max-offset-minutes", "4", "--allow-known");
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, maxBuffer: 64 << 20 }, (_err, stdout) => resolve(stdout));
  });
}

/** The summed counts of the processes' summary lines. */
function totals(outs: string[]): { n: number; v: number; known: number } {
  const lines = outs.map((o) => o.trim().split("\n").pop() ?? "");
  const count = (re: RegExp) => lines.reduce((n, l) => n + Number(re.exec(l)?.[1] ?? NaN), 0);
  return {
    n: count(/simulated (\d+) histories/),
    v: count(/violations (\d+)/),
    known: count(/known open defects in (\d+)/),
  };
}

describe("simulation: the reload protocol over seeded histories", function () {
  this.timeout(180_000);

  it("2,000 histories keep the exactly-once promise (violations 0)", async () => {
    const started = Date.now();
    const outs = await Promise.all([histories(1, 1000), histories(1001, 1000)]);
    const { n, v, known } = totals(outs);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `      simulated ${n} histories · violations ${v} (${secs} s; known open defects in ${known})`,
    );
    if (v > 0) console.log(outs.join("\n").slice(0, 20_000));
    assert.equal(n, 2000);
    assert.equal(v, 0);
  });

  it("the old five-minute matcher is caught within the first 1,000 histories", async () => {
    const r = await runHistories(
      1000,
      { ...base, matcher: "five-minute", maxOffsetMs: 10 * 60_000 },
      { stopAtFirst: true },
    );
    assert.equal(r.violating.length, 1, r.line);
    assert.ok(r.histories <= 1000);
  });

  for (const s of seeds) {
    it(`seed ${s.seed} (${s.matcher}, ±${s.maxOffsetMinutes} min) replays as ${s.expect}: ${s.note}`, async () => {
      const opts = {
        ...base,
        matcher: s.matcher as SimOptions["matcher"],
        maxOffsetMs: s.maxOffsetMinutes * 60_000,
      };
      const r = await simulate(s.seed, opts);
      if (s.expect === "clean") assert.deepEqual(r.violations, []);
      else if (s.expect === "known")
        assert.ok(
          r.violations.length > 0 && r.violations.every((v) => knownDefect(v)),
          r.violations.join("\n"),
        );
      else assert.ok(r.violations.length > 0);
    });
  }

  it("a reset trigger after two loads: the next up loads the change exactly once and names that load", async () => {
    const r = await SCENARIOS["issue-18"](base);
    assert.deepEqual(r.violations, []);
  });

  it("the same sequence with the five-minute matcher loses the reload (the simulator sees it)", async () => {
    const r = await SCENARIOS["issue-18"]({ ...base, matcher: "five-minute" });
    assert.ok(
      r.violations.some((v) => /recorded change 2 done/.test(v)),
      r.violations.join("\n"),
    );
  });
});
