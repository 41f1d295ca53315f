// How big the large stack's state is, and how much of it is the serialized dynamic provider
// (`__provider`, which Pulumi copies into the inputs and the outputs of every resource). Read from the
// file backend's stack file, as a user's state bucket would hold it.

import * as fs from "fs";
import * as path from "path";
import { spread } from "./metrics";

export interface StateSize {
  fileBytes: number;
  /** DataModelReload resources in the state. */
  resources: number;
  /** Median bytes of one DataModelReload's entry in the file (compact JSON, as the file stores it). */
  bytesPerResource: number;
  /** Bytes of one serialized provider (the source text Pulumi stores as `__provider`). */
  providerBytes: number;
  /** How many `__provider` copies the file holds. */
  providerCopies: number;
  /** Share of the file's bytes taken by those copies (as escaped in the JSON text). */
  providerShare: number;
}

/** Where the file backend in `stateDir` keeps a stack's state. */
export function stateFile(stateDir: string, project: string, stack: string): string {
  return path.join(stateDir, ".pulumi", "stacks", project, `${stack}.json`);
}

interface StateResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The sizes of a stack file's text (pure). */
export function measureState(text: string): StateSize {
  const parsed = JSON.parse(text) as { checkpoint?: { latest?: { resources?: StateResource[] } } };
  const all = parsed.checkpoint?.latest?.resources ?? [];
  const ours = all.filter((r) => r.type.endsWith(":DataModelReload"));
  const providers = ours.flatMap((r) =>
    [r.inputs?.__provider, r.outputs?.__provider].filter((p): p is string => typeof p === "string"),
  );
  const escapedBytes = providers.reduce((n, p) => n + Buffer.byteLength(JSON.stringify(p)), 0);
  const fileBytes = Buffer.byteLength(text);
  return {
    fileBytes,
    resources: ours.length,
    bytesPerResource: spread(ours.map((r) => Buffer.byteLength(JSON.stringify(r)))).median,
    providerBytes: providers.length > 0 ? Buffer.byteLength(providers[0]) : 0,
    providerCopies: providers.length,
    providerShare: fileBytes > 0 ? escapedBytes / fileBytes : 0,
  };
}

/** The sizes of a stack's state file; null when the file is missing. */
export function readStateSize(file: string): StateSize | null {
  if (!fs.existsSync(file)) return null;
  return measureState(fs.readFileSync(file, "utf8"));
}
