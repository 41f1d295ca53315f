// The DataModelReload provider methods as the dynamic resource calls them, over one provider context
// per process (context.ts; the dynamic-provider host loads this module once). This module is NOT
// serialized into state: the small shim in provider.ts requires it inside the host process, so state
// stays small, provider upgrades take effect, and credentials read in `configure` stay in this
// process's memory only.
//
// Its path and its exports, with their argument order (configure(req), check(olds, news),
// diff(id, olds, news), create(inputs), update(id, olds, news), read(id, props), remove()), are what
// states call: the serialized provider of 0.1.0 states is code that requires
// `pulumi-celonis/dist/provider/handlers` and calls these (tests/e2e/upgrade.test.ts upgrades such a
// state), later states reach them through provider.ts. Everything else is in operations.ts.

import type * as pulumi from "@pulumi/pulumi";
import { ProviderContext } from "./context";
import { installHostGuard } from "./host-guard";
import * as operations from "./operations";
import type { CheckFailure } from "./inputs";
import type { ReloadOutputs } from "./types";

export { ReloadFailedError, type CallContext } from "./operations";

type Props = Record<string, unknown>;

// In the dynamic-provider host: exit when the engine goes away (see host-guard.ts).
installHostGuard();

/** The one context of this process: the dynamic-provider host serves every resource through it. */
const context = new ProviderContext();

/** Reads credentials from stack config (secrets arrive decrypted) with env fallbacks. */
export function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  return operations.configure(context, req);
}

/** Validates and defaults the inputs, resolves table references, and attaches the plan. */
export function check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
  return operations.check(context, olds, news);
}

/** Whether the engine must update (or replace) the resource; always a boolean. */
export function diff(
  id: string,
  olds: Props,
  news: Props,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  return operations.diff(context, id, olds, news);
}

/** Runs the plan of a new resource. */
export function create(news: Props): Promise<{ id: string; outs: ReloadOutputs }> {
  return operations.create(context, news);
}

/** Runs what changed, plus a reload still owed; a load of an earlier run is settled first. */
export function update(id: string, olds: Props, news: Props): Promise<{ outs: ReloadOutputs }> {
  return operations.update(context, id, olds, news);
}

/** Refresh: `lastLoad` from the service, and the outcome of a plan load that was still running. */
export function read(id: string, props: Props): Promise<{ id: string; props: Props }> {
  return operations.read(context, id, props);
}

/** Data cannot be un-loaded: deleting the resource only forgets it. */
export function remove(): Promise<void> {
  return operations.remove();
}
