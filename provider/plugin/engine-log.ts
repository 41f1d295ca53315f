// Progress lines from the plugin to the engine's Log service, attached to the resource they belong
// to: `pulumi up` shows them under that resource, not the stack. The engine's address is the
// plugin's first argument (or arrives by Attach); without one (a test driving the plugin directly)
// lines go to stderr, which the engine also shows.

import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";

/** `warning: …` lines (a load that ended WARNING) are warnings; everything else is information. */
export function severityOf(line: string): engproto.LogSeverity {
  return /^warning:\s/i.test(line) ? engproto.LogSeverity.WARNING : engproto.LogSeverity.INFO;
}

/** Sends lines to the engine in order; a line that cannot be logged never fails a deployment. */
export class EngineLogger {
  private client: engrpc.EngineClient | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(address?: string) {
    this.connect(address);
  }

  /** Sends to the engine at `address` from now on. */
  connect(address: string | undefined): void {
    this.client?.close();
    this.client = address ? new engrpc.EngineClient(address, grpc.credentials.createInsecure()) : undefined;
  }

  /** Logs `line` under the resource `urn` (no urn: the deployment as a whole). */
  log(line: string, urn?: string): void {
    const client = this.client;
    if (!client) {
      process.stderr.write(`${urn ? `${urn}: ` : ""}${line}\n`);
      return;
    }
    const req = new engproto.LogRequest();
    req.setSeverity(severityOf(line));
    req.setMessage(line);
    if (urn) req.setUrn(urn);
    this.queue = this.queue.then(() => new Promise<void>((resolve) => client.log(req, () => resolve())));
  }

  /** Waits for the lines sent so far, then closes the connection. */
  async close(): Promise<void> {
    await this.queue;
    this.client?.close();
    this.client = undefined;
  }
}
