// The provider host's guard: which process it acts in, how it reads the engine's address, and when
// the watchdog decides the engine is gone (only after it answered once).

import assert from "node:assert/strict";
import * as net from "node:net";
import {
  FAILURES_TO_EXIT,
  afterProbe,
  engineAddress,
  isBrokenPipe,
  isProviderHost,
  probeAddress,
} from "../../provider/host-guard";

describe("host guard", () => {
  it("acts only in the dynamic-provider host, and reads the engine address it was given", () => {
    const host = [
      "/usr/bin/node",
      "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js",
      "127.0.0.1:4567",
    ];
    assert.equal(isProviderHost(host), true);
    assert.equal(isProviderHost(["/usr/bin/node", "/p/node_modules/mocha/bin/mocha.js"]), false);
    assert.deepEqual(engineAddress(host), { host: "127.0.0.1", port: 4567 });
    assert.deepEqual(engineAddress(["n", "s", "[::1]:80"]), { host: "::1", port: 80 });
    assert.equal(engineAddress(["n", "s"]), null);
  });

  it("exits only after the engine answered once and then failed several probes in a row", () => {
    let state = { answered: false, failures: 0 };
    for (let i = 0; i < 10; i++) {
      const v = afterProbe(state, false);
      assert.equal(v.exit, false, "an address that never answered (a test harness) never ends the host");
      state = v.state;
    }
    state = afterProbe(state, true).state;
    for (let i = 1; i <= FAILURES_TO_EXIT; i++) {
      const v = afterProbe(state, false);
      assert.equal(v.exit, i === FAILURES_TO_EXIT);
      state = v.state;
    }
    assert.equal(
      afterProbe({ answered: true, failures: 2 }, true).state.failures,
      0,
      "an answer resets the count",
    );
  });

  it("a broken pipe is EPIPE or a destroyed stream", () => {
    assert.equal(isBrokenPipe(Object.assign(new Error("x"), { code: "EPIPE" })), true);
    assert.equal(isBrokenPipe(Object.assign(new Error("x"), { code: "ERR_STREAM_DESTROYED" })), true);
    assert.equal(isBrokenPipe(new Error("other")), false);
  });

  it("probes: a listening address answers, a closed one does not", async () => {
    const server = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as net.AddressInfo).port;
    assert.equal(await probeAddress({ host: "127.0.0.1", port }), true);
    await new Promise((r) => server.close(r));
    assert.equal(await probeAddress({ host: "127.0.0.1", port }), false);
  });
});
