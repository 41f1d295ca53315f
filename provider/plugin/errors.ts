// How a failed create or update reaches the engine. A failure that carries the resource's partial
// state (`ReloadFailedError`: id, properties, reasons) becomes the `ErrorResourceInitFailed` status
// detail, exactly as the dynamic-provider host sends it, so the engine keeps the resource in state
// with what happened (a reload owed or running) instead of losing it.

import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";

type Props = Record<string, unknown>;

/** The error the engine reads: a message, and for a partial state the packed detail. */
export interface WireError {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

/** A plain JSON value for protobuf's Struct (no undefined, no class instances). */
export function toStruct(value: Props): structproto.Struct {
  return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

function partialState(err: unknown): { id: string; properties: Props; reasons: string[] } | undefined {
  const e = err as { id?: unknown; properties?: unknown; reasons?: unknown };
  if (typeof e?.id !== "string" || e.id === "") return undefined;
  const properties = e.properties && typeof e.properties === "object" ? (e.properties as Props) : {};
  const reasons = Array.isArray(e.reasons) ? e.reasons.map(String) : [];
  return { id: e.id, properties, reasons };
}

/**
 * The gRPC error for `err`. `conceal` re-applies the request's secrets to the partial state's
 * properties, which are stored in state like any outputs.
 */
export function wireError(err: unknown, conceal: (props: Props) => Props = (p) => p): WireError {
  const message = err instanceof Error ? err.message : String(err);
  const metadata = new grpc.Metadata();
  const partial = partialState(err);
  if (partial) {
    const { __provider: _ignored, ...properties } = partial.properties;
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(partial.id);
    detail.setProperties(toStruct(conceal(properties)));
    detail.setReasonsList(partial.reasons);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}
