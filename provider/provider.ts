// The dynamic provider Pulumi stores in state (`__provider`) for every resource: this module itself.
// Its exports are the provider's methods, and each only requires the handlers module and calls it,
// so the provider holds no client, config or token, and an upgrade of the package takes effect for
// resources created by an older version. Because it is a module, a project that installed the
// package stores just `require("pulumi-celonis/dist/provider/provider.js")` — 280 bytes per copy,
// two copies per resource — instead of the code of seven functions (a checkout of this repository, where the module
// is not under node_modules, stores the code, about 3 KB).
//
// This file and handlers.ts keep their paths, and the handlers their argument order: states store
// `require("pulumi-celonis/dist/provider/provider.js")`, and states written by 0.1.0 store code that
// requires `pulumi-celonis/dist/provider/handlers` and calls its methods with those arguments
// (tests/e2e/upgrade.test.ts upgrades such a state). Moving either breaks them.

import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";

type Handlers = typeof import("./handlers");
type Props = Record<string, unknown>;

/**
 * Where the handlers module is loaded from, in order: the installed package (resolved from the
 * project directory, where the provider host runs), then this copy's compiled file (a checkout of
 * this repository, where `npm run build` produces it).
 */
const LOCATIONS = [
  "pulumi-celonis/dist/provider/handlers",
  __filename.endsWith(".ts")
    ? path.join(__dirname, "..", "dist", "provider", "handlers.js")
    : path.join(__dirname, "handlers.js"),
];

function handlers(): Handlers {
  const tried: string[] = [];
  for (const location of LOCATIONS) {
    try {
      return require(location) as Handlers;
    } catch (err) {
      const { code, message } = err as { code?: string; message?: string };
      // Only "this location does not exist" moves on; a broken dependency inside it is a real error.
      if (code !== "MODULE_NOT_FOUND" || !String(message).includes(location)) throw err;
      tried.push(location);
    }
  }
  throw new Error(
    `pulumi-celonis: cannot load the provider handlers (tried ${tried.join(", ")}). ` +
      "Install pulumi-celonis in the project (npm install pulumi-celonis), or run `npm run build` in a checkout.",
  );
}

/** Reads the connection from stack config (see handlers.configure). */
export const configure = (req: pulumi.dynamic.ConfigureRequest) => handlers().configure(req);
/** Validates the inputs and attaches the reload plan. */
export const check = (olds: Props, news: Props) => handlers().check(olds, news);
/** Whether the resource changes (always a boolean). */
export const diff = (id: string, olds: Props, news: Props) => handlers().diff(id, olds, news);
/** Runs the plan of a new resource. */
export const create = (inputs: Props) => handlers().create(inputs);
/** Runs what changed, settling an earlier load first. */
export const update = (id: string, olds: Props, news: Props) => handlers().update(id, olds, news);
/** Refresh. */
export const read = (id: string, props: Props) => handlers().read(id, props);
/** Deleting loads nothing. */
const remove = () => handlers().remove();
export { remove as delete };
