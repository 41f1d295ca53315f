// Runs the real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) as a child process and
// talks to it over gRPC with the SDK's own generated stubs, the way the engine does. This proves the
// serialized provider loads in a fresh process and that everything crossing the wire is valid.

import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";

type Props = Record<string, unknown>;
const TYPE = "pulumi-nodejs:dynamic/celonis:DataModelReload";

/** The provider text exactly as `pulumi.dynamic.Resource` stores it in `__provider`. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return sf.text;
}

/** A create/update failure with the partial state the host packed into the gRPC status details. */
export interface InitFailure {
  message: string;
  id: string;
  properties: Props;
  reasons: string[];
}

function struct(value: Props): structproto.Struct {
  return structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);
}

/** A running provider host and a client for it. */
export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: provrpc.ResourceProviderClient,
    readonly output: string[],
  ) {}

  /**
   * Starts the host with `cwd` (the engine starts it in the project directory). `engine` is the
   * engine address it is given; by default one that never answers, which the host only needs present.
   */
  static async start(
    cwd: string,
    env: NodeJS.ProcessEnv = process.env,
    engine = "127.0.0.1:1",
  ): Promise<ProviderHost> {
    const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const child = spawn(process.execPath, [script, engine], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      let first = true;
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        for (const line of chunk.split("\n").filter(Boolean)) {
          if (first && /^\d+$/.test(line.trim())) {
            first = false;
            resolve(Number(line.trim()));
          } else output.push(line);
        }
      });
      child
        .stderr!.setEncoding("utf8")
        .on("data", (chunk: string) => output.push(...chunk.split("\n").filter(Boolean)));
      child.once("exit", (code) => reject(new Error(`provider host exited (${code}): ${output.join("\n")}`)));
      setTimeout(() => reject(new Error("provider host did not print its port in 30 s")), 30_000).unref();
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, output);
  }

  private call<Req, Res>(method: string, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = (
        this.client as unknown as Record<
          string,
          (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => void
        >
      )[method];
      fn.call(this.client, req, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }

  async configure(config: Record<string, string>): Promise<void> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(struct(config));
    req.setAcceptsecrets(true);
    await this.call("configure", req);
  }

  async check(
    urnName: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn(urnName));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await this.call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
    return {
      inputs: res.getInputs()?.toJavaScript() as Props,
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(
    urnName: string,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: number; replaces: string[] }> {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(urn(urnName));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await this.call<provproto.DiffRequest, provproto.DiffResponse>("diff", req);
    return { changes: res.getChanges(), replaces: res.getReplacesList() };
  }

  async create(urnName: string, props: Props): Promise<{ id: string; outs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn(urnName));
    req.setProperties(struct(props));
    const res = await this.call<provproto.CreateRequest, provproto.CreateResponse>("create", req).catch(
      rethrowInit,
    );
    return { id: res.getId(), outs: res.getProperties()?.toJavaScript() as Props };
  }

  async update(urnName: string, id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(urn(urnName));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await this.call<provproto.UpdateRequest, provproto.UpdateResponse>("update", req).catch(
      rethrowInit,
    );
    return { outs: res.getProperties()?.toJavaScript() as Props };
  }

  async read(urnName: string, id: string, props: Props): Promise<{ id: string; props: Props }> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(urn(urnName));
    req.setProperties(struct(props));
    const res = await this.call<provproto.ReadRequest, provproto.ReadResponse>("read", req);
    return { id: res.getId(), props: res.getProperties()?.toJavaScript() as Props };
  }

  async delete(urnName: string, id: string, props: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(urn(urnName));
    req.setProperties(struct(props));
    await this.call("delete", req);
  }

  /** The host process (tests of how it ends). */
  get process(): ChildProcess {
    return this.child;
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

function urn(name: string): string {
  return `urn:pulumi:test::celonis::${TYPE}::${name}`;
}

/**
 * The partial state a "resource init failed" gRPC error carries (the ErrorResourceInitFailed detail
 * of its status), decoded as the engine reads it; undefined when the error carries none.
 */
export function initFailureOf(err: Pick<grpc.ServiceError, "details" | "metadata">): InitFailure | undefined {
  const bin = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (!bin) return undefined;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(bin as Buffer));
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return {
      message: err.details,
      id: detail.getId(),
      properties: detail.getProperties()?.toJavaScript() as Props,
      reasons: detail.getReasonsList(),
    };
  }
  return undefined;
}

/** Turns the host's "resource init failed" gRPC error into its partial state, as the engine reads it. */
function rethrowInit(err: grpc.ServiceError): never {
  const failure = initFailureOf(err);
  if (!failure) throw err;
  throw Object.assign(new Error(err.details), { init: failure });
}

/** The repository root (the host runs here in tests, like the engine runs it in the project dir). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
