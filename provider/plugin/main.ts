// The entry of the `pulumi-resource-celonis` plugin: serves the ResourceProvider service on a free
// loopback port and prints the port, which is how the engine finds a plugin it started. The engine
// passes its own address as the last argument, after flags such as `--logtostderr`.

import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { installHostGuard, parseAddress } from "../host-guard";
import { EngineLogger } from "./engine-log";
import { ProviderServer } from "./server";

/** The version of the installed pulumi-celonis package (the plugin reports it to the engine). */
export function packageVersion(dir: string = __dirname): string {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const file = path.join(d, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "pulumi-celonis" && pkg.version) return pkg.version;
  }
  return "0.0.0";
}

/**
 * The engine's address: the last argument. The engine puts its flags first (`--logtostderr`,
 * `-v=9`, `--tracing <endpoint>`, whose value is not a flag) and the address at the end.
 */
export function engineAddress(args: string[]): string | undefined {
  const last = args[args.length - 1];
  return last === undefined || last.startsWith("-") || args[args.length - 2] === "--tracing"
    ? undefined
    : last;
}

/** Starts the plugin; resolves with the port once it is printed. */
export async function main(args: string[]): Promise<number> {
  const engine = engineAddress(args);
  // Exit when the engine goes away (killed `pulumi up`): see host-guard.ts.
  installHostGuard({ address: parseAddress(engine) });
  const logger = new EngineLogger(engine);
  const provider = new ProviderServer({ logger, version: packageVersion() });
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // Each method is typed as the generated stubs declare it; the class has no index signature.
  server.addService(
    provrpc.ResourceProviderService,
    provider as unknown as grpc.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  // The engine ends a plugin with SIGINT to its process group (then SIGKILL 5 s later): stop any
  // wait still running, let the calls answer, and exit.
  process.once("SIGINT", () => {
    provider.cancelAll();
    server.tryShutdown(() => void logger.close().finally(() => process.exit(0)));
  });
  process.stdout.write(`${port}\n`);
  return port;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`pulumi-resource-celonis: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
