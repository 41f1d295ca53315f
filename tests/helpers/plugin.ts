// Runs the `pulumi-resource-celonis` plugin (bin/, over the compiled dist/) as the engine runs it, and
// calls it over gRPC with the SDK's generated client: the host-layer tests of the plugin use this to
// reach what the CLI hides (GetSchema, Configure's args, DiffConfig, Cancel, the raw detailed diff).

import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";

/** The plugin's launcher in this checkout. */
export const PLUGIN = path.resolve(__dirname, "..", "..", "bin", "pulumi-resource-celonis");

type Callback<Res> = (err: grpc.ServiceError | null, res: Res) => void;

/** A running plugin process and a gRPC client for it. */
export class PluginProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly client: provrpc.ResourceProviderClient,
    /** What the plugin wrote to stderr (its log lines when no engine is attached). */
    readonly stderr: string[],
  ) {}

  /** Starts the plugin without an engine address, so its log lines go to stderr. */
  static async start(env: NodeJS.ProcessEnv): Promise<PluginProcess> {
    const child = spawn(PLUGIN, [], { env, stdio: ["ignore", "pipe", "pipe"] });
    const stderr: string[] = [];
    child.stderr!.setEncoding("utf8").on("data", (s: string) => stderr.push(s));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding("utf8").once("data", (s: string) => resolve(Number(s.trim())));
      child.once("exit", (code) => reject(new Error(`plugin exited (${code}): ${stderr.join("")}`)));
      setTimeout(() => reject(new Error("plugin printed no port in 20 s")), 20_000).unref();
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PluginProcess(child, client, stderr);
  }

  /** Calls one unary method; a gRPC error rejects with the ServiceError (details, metadata). */
  call<Req, Res>(method: keyof provrpc.IResourceProviderClient, req: Req): Promise<Res> {
    const fn = (this.client as unknown as Record<string, (r: Req, cb: Callback<Res>) => void>)[method];
    return new Promise((resolve, reject) =>
      fn.call(this.client, req, (err, res) => (err ? reject(err) : resolve(res))),
    );
  }

  /** Ends the plugin as the engine does (SIGINT to it), and waits for it to exit. */
  async stop(): Promise<number | null> {
    this.client.close();
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.kill("SIGINT");
    return exited;
  }
}
