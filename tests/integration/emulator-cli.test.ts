// The `celonis-emulator` command: flag parsing (in-process) and real child processes started the way
// a user or a test runner would (node + ts-node on packages/celonis-emulator/cli.ts): the exact "listening on" line,
// keys/outcome/fault flags taking effect, no credential on stderr, and a clean exit on SIGTERM/SIGINT.
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { LoadRecord } from "../../packages/celonis-emulator";
import { DEFAULT_PORT, parseCli } from "../../packages/celonis-emulator/cli";
import { DEMO, call, sleep, v1, waitFor } from "../helpers/emulator";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "packages", "celonis-emulator", "cli.ts");

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Running & { ready: Promise<string> } {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
  });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line; stderr: ${err}`)), 15000);
    child.stdout?.on("data", (d: string) => {
      out += d;
      const m = /^listening on (http:\/\/\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on("data", (d: string) => (err += d));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before listening; stderr: ${err}`));
    });
  });
  // Avoid unhandled rejections for runs that are expected to exit without listening.
  ready.catch(() => undefined);
  return { child, ready, stdout: () => out, stderr: () => err, exited };
}

describe("emulator: CLI flags (parseCli)", function () {
  it("defaults: port 8085, host 127.0.0.1, demo credentials, no queue", () => {
    const c = parseCli([]);
    assert.equal(DEFAULT_PORT, 8085);
    assert.equal(c.options.port, 8085);
    assert.equal(c.options.host, "127.0.0.1");
    assert.equal(c.options.apiKeys, undefined);
    assert.equal(c.defaultCredentials, true);
    assert.equal(c.options.queueTriggers, false);
    assert.equal(c.options.loadMs, undefined, "the emulator's default 2000 ms applies");
  });

  it("parses every flag", () => {
    const c = parseCli([
      "--port=0",
      "--host",
      "127.0.0.1",
      "--seed",
      "my.json",
      "--api-key",
      "a",
      "--api-key",
      "b",
      "--app-key",
      "c",
      "--oauth-client",
      "id:se:cret",
      "--token-lifetime",
      "60",
      "--load-seconds",
      "0.25",
      "--outcome",
      "error",
      "--queue-triggers",
      "--pool-access",
      "a=p1,p2",
      "--disable-v1-last-load",
      "--fault",
      '{"kind":"drop"}',
      "--stuck",
      "--quiet",
    ]);
    assert.deepEqual(c.options, {
      port: 0,
      host: "127.0.0.1",
      seed: "my.json",
      apiKeys: ["a", "b"],
      appKeys: ["c"],
      oauthClients: [{ clientId: "id", clientSecret: "se:cret" }],
      tokenLifetimeSeconds: 60,
      loadMs: 250,
      outcome: "ERROR",
      queueTriggers: true,
      poolAccess: { a: ["p1", "p2"] },
      disableV1LastLoad: true,
    });
    assert.deepEqual(c.faults, [{ kind: "drop" }]);
    assert.equal(c.stuck, true);
    assert.equal(c.quiet, true);
    assert.equal(c.defaultCredentials, false);
  });

  it("rejects bad values with a clear message", () => {
    assert.throws(() => parseCli(["--port", "x"]), /--port/);
    assert.throws(() => parseCli(["--outcome", "RUNNING"]), /--outcome/);
    assert.throws(() => parseCli(["--oauth-client", "nocolon"]), /--oauth-client/);
    assert.throws(() => parseCli(["--fault", "{"]), /--fault/);
    assert.throws(() => parseCli(["--fault", '{"kind":"boom"}']), /kind/);
    assert.throws(() => parseCli(["--what"]), /what/);
  });
});

describe("emulator: CLI process", function () {
  this.timeout(30000);

  it("prints exactly the listening line, serves the API with the given keys, exits 0 on SIGTERM", async () => {
    const apiKey = "cli-api-key-8d2f";
    const secret = "cli-oauth-secret-4c1e";
    const r = run([
      "--port",
      "0",
      "--api-key",
      apiKey,
      "--oauth-client",
      `cli-client:${secret}`,
      "--load-seconds",
      "0.1",
      "--outcome",
      "WARNING",
      "--fault",
      JSON.stringify({ kind: "rateLimit", match: { path: "/tables" } }),
    ]);
    try {
      const url = await r.ready;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const auth = `Bearer ${apiKey}`;
      assert.equal(
        (await call(url, v1(DEMO.pool, DEMO.model, "tables"), { auth })).status,
        429,
        "--fault applied",
      );
      assert.equal((await call(url, v1(DEMO.pool, DEMO.model, "tables"), { auth })).status, 200);
      assert.equal(
        (await call(url, v1(DEMO.pool, DEMO.model, "tables"), { auth: `Bearer ${DEMO.apiKey}` })).status,
        401,
        "demo key off when --api-key is given",
      );
      const tok = await call(url, "/oauth2/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `grant_type=client_credentials&scope=integration.data-pools&client_id=cli-client&client_secret=${secret}`,
      });
      assert.equal(tok.status, 200);
      const token = (tok.json as { access_token: string }).access_token;
      assert.equal(
        (await call(url, v1(DEMO.pool, DEMO.model, "load"), { method: "POST", auth })).status,
        204,
      );
      const done = await waitFor(
        async () => {
          const l = (await call(url, v1(DEMO.pool, DEMO.model, "last-load"), { auth: `Bearer ${token}` }))
            .json as LoadRecord;
          return l.loadStatus === "WARNING" ? l : undefined;
        },
        5000,
        20,
      );
      assert.ok((done.endDate as number) - (done.startDate as number) >= 90, "--load-seconds 0.1");
      await sleep(50);
      assert.equal(r.stdout(), `listening on ${url}\n`, "stdout holds only the listening line");
      assert.match(r.stderr(), /POST \/integration\/api\/v1\/data-pools\/.*\/load -> 204 auth=bearer/);
      for (const s of [apiKey, secret, token]) assert.ok(!r.stderr().includes(s), "no credential on stderr");
      r.child.kill("SIGTERM");
      const exit = await r.exited;
      assert.equal(exit.code, 0);
    } finally {
      r.child.kill("SIGKILL");
    }
  });

  it("--quiet --stuck with demo credentials; exits 0 on SIGINT; --help and bad flags", async () => {
    const r = run(["--port", "0", "--quiet", "--stuck", "--load-seconds", "0.05"]);
    const help = run(["--help"]);
    const bad = run(["--port", "0", "--outcome", "NOPE"]);
    try {
      const url = await r.ready;
      const auth = `AppKey ${DEMO.appKey}`;
      assert.equal(
        (await call(url, v1(DEMO.pool, DEMO.o2cModel, "load"), { method: "POST", auth })).status,
        204,
      );
      await sleep(300);
      const l = (await call(url, v1(DEMO.pool, DEMO.o2cModel, "last-load"), { auth })).json as LoadRecord;
      assert.equal(l.loadStatus, "RUNNING", "still running six load times later");
      const ctl = await call(url, `/_emulator/models/${DEMO.o2cModel}/loads`);
      assert.equal((ctl.json as LoadRecord[]).length, 1);
      r.child.kill("SIGINT");
      assert.equal((await r.exited).code, 0);
      assert.equal(r.stderr(), "", "--quiet prints nothing but the listening line");

      assert.equal((await help.exited).code, 0);
      assert.match(help.stdout(), /^Usage: celonis-emulator/);
      assert.match(help.stdout(), /demo-api-key/);

      assert.equal((await bad.exited).code, 2);
      assert.match(bad.stderr(), /--outcome/);
      assert.equal(bad.stdout(), "");
    } finally {
      for (const p of [r, help, bad]) p.child.kill("SIGKILL");
    }
  });
});
