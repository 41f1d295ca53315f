// A corporate network on 127.0.0.1 for tests: a private CA (made with `openssl` at test time), an
// HTTPS stand-in for Celonis signed by it (a TLS terminator in front of the emulator's plain http),
// and a CONNECT proxy that counts and logs what it tunnels. With `HTTPS_PROXY` pointing at the proxy
// and `NODE_EXTRA_CA_CERTS` at the CA, a provider process reaches the emulator only the way a user
// behind a TLS-inspecting gateway does. The proxy keeps every byte it forwards, so a test can show
// that no credential crossed it in clear.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";

/** A private CA and a server certificate for 127.0.0.1 that it signed, as PEM files. */
export interface TestPki {
  dir: string;
  caPem: string;
  keyPem: string;
  certPem: string;
}

/** Is `openssl` on PATH? The certificates need it (node:crypto cannot sign an X.509 certificate). */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Makes a CA and a 127.0.0.1 server certificate it signs (P-256 keys, valid one day). */
export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "celonis-pki-"));
  const f = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run(
    ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1"]
      .concat(["-subj", "/CN=pulumi-celonis test gateway CA"])
      .concat(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]),
  );
  run(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  fs.writeFileSync(
    f("server.ext"),
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  run(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"].concat([
      "-out",
      "server.pem",
      "-days",
      "1",
      "-extfile",
      "server.ext",
    ]),
  );
  return { dir, caPem: f("ca.pem"), keyPem: f("server.key"), certPem: f("server.pem") };
}

/** A server on 127.0.0.1 whose sockets are all closed by `stop`. */
interface Stoppable {
  stop(): Promise<void>;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
  );
}

/** The HTTPS stand-in: TLS with the test certificate, the plain bytes piped to `target`. */
export interface TlsStandIn extends Stoppable {
  /** `https://127.0.0.1:<port>`: the Celonis URL a provider is configured with. */
  url: string;
  /** The Authorization header values it saw inside TLS (what must never show in the proxy's log). */
  authorizations: string[];
}

/** Starts a TLS terminator on 127.0.0.1:0 in front of the plain-http server at `targetUrl`. */
export async function startTlsStandIn(pki: TestPki, targetUrl: string): Promise<TlsStandIn> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  const authorizations: string[] = [];
  const server = tls.createServer(
    { key: fs.readFileSync(pki.keyPem), cert: fs.readFileSync(pki.certPem) },
    (clear) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [clear, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s)).on("error", () => s.destroy());
      }
      clear.on("data", (chunk: Buffer) => {
        for (const m of chunk.toString("latin1").matchAll(/^authorization: *([^\r\n]+)/gim)) {
          authorizations.push(m[1]);
        }
      });
      clear.pipe(upstream).pipe(clear);
    },
  );
  server.on("tlsClientError", () => undefined); // a client that distrusts the CA hangs up: expected
  server.on("connection", (s: net.Socket) => sockets.add(s).size);
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, authorizations, stop: closer(server, sockets) };
}

/** The CONNECT proxy: what it tunnelled, what it refused, and every byte it saw. */
export interface ConnectProxy extends Stoppable {
  /** `http://127.0.0.1:<port>`: the value of HTTPS_PROXY. */
  url: string;
  /** The authority of each CONNECT it tunnelled ("127.0.0.1:4431"). */
  connects: string[];
  /** Requests that were not CONNECT (an https call sent to a proxy in clear would show here). */
  plain: string[];
  /** Everything it saw: request lines and headers, and the tunnelled bytes both ways (latin1). */
  log(): string;
}

/** Starts a CONNECT proxy on 127.0.0.1:0 that tunnels to any 127.0.0.1 port and refuses the rest. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const seen: string[] = [];
  const connects: string[] = [];
  const plain: string[] = [];
  const server = http.createServer((req, res) => {
    plain.push(`${req.method} ${req.url}`);
    seen.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}`);
    res.writeHead(502).end("this test proxy only tunnels (CONNECT)");
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}\n${JSON.stringify(req.headers)}`);
    const [host, port] = (req.url ?? "").split(":");
    if (host !== "127.0.0.1") {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    connects.push(req.url ?? "");
    seen.push(head.toString("latin1"));
    const upstream = net.connect(Number(port), host, () => {
      for (const s of [client, upstream]) s.on("data", (b: Buffer) => seen.push(b.toString("latin1")));
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s)).on("error", () => s.destroy());
    }
  });
  server.on("connection", (s: net.Socket) => sockets.add(s).size);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    plain,
    log: () => seen.join("\n"),
    stop: closer(server, sockets),
  };
}

/** The environment without any proxy or CA setting of the machine running the tests. */
export function withoutNetworkSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([k]) =>
        !/^(https?_proxy|no_proxy|all_proxy|grpc_proxy|node_extra_ca_certs|node_use_env_proxy)$/i.test(k),
    ),
  );
}

/** The emulator behind its HTTPS stand-in, with the CA that signed the stand-in's certificate. */
export interface Gateway extends Stoppable {
  pki: TestPki;
  emu: Emulator;
  standIn: TlsStandIn;
}

/** Starts the emulator (with `options`) and an HTTPS stand-in for it signed by a fresh test CA. */
export async function startGateway(options: EmulatorOptions): Promise<Gateway> {
  const pki = makeTestPki();
  const emu = await startEmulator({ ...options, port: 0 });
  const standIn = await startTlsStandIn(pki, emu.url);
  return {
    pki,
    emu,
    standIn,
    stop: async () => {
      await standIn.stop();
      await emu.stop();
      fs.rmSync(pki.dir, { recursive: true, force: true });
    },
  };
}

/**
 * Asserts one OAuth deployment went through the proxy, inside TLS: a token issued, one load, tunnels
 * only to the stand-in, and in the proxy's log no header, no path and no credential (neither
 * `secrets` nor any Authorization value the stand-in received).
 */
export function assertDeployedThroughProxy(proxy: ConnectProxy, gateway: Gateway, secrets: string[]): void {
  const { emu, standIn } = gateway;
  assert.ok(
    emu.requests().some((r) => r.path === "/oauth2/token" && r.status === 200),
    "a token was issued",
  );
  assert.equal(emu.requests().filter(isLoadTrigger).length, 1, "one load");
  assert.ok(
    standIn.authorizations.some((a) => a.startsWith("Basic ")),
    "the token call authenticated",
  );
  assert.ok(
    standIn.authorizations.some((a) => a.startsWith("Bearer ")),
    "the API calls carried the token",
  );
  assert.ok(proxy.connects.length > 0, "the proxy tunnelled the calls");
  assert.deepEqual(new Set(proxy.connects), new Set([new URL(standIn.url).host]), "only to the stand-in");
  assert.deepEqual(proxy.plain, [], "nothing was sent to the proxy in clear");
  const log = proxy.log();
  for (const s of [...standIn.authorizations.map((a) => a.split(" ")[1]), ...secrets]) {
    assert.ok(!log.includes(s), "no credential in the proxy's log");
  }
  assert.doesNotMatch(log, /authorization|oauth2|data-pools/i, "the proxy saw neither headers nor paths");
}
