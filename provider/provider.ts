// The dynamic provider object Pulumi serializes into state (`__provider`) for every resource. It is
// a shim on purpose: it captures only the places where the real handlers live and requires them
// inside each method, so the serialized text stays small, holds no client, config or token, and a
// provider upgrade takes effect for resources created by an older version.

import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";

/** The package's own name, used to find the handlers from the deployment's node_modules. */
const PACKAGE_HANDLERS = "pulumi-celonis/dist/provider/handlers";

/**
 * Where the handlers module can be loaded from, in order: the installed package (resolved from the
 * project directory, where the provider host runs), then this copy's compiled file by absolute path
 * (a checkout of this repository: examples and tests; `npm run build` produces it).
 */
export function handlerLocations(dir: string = __dirname, file: string = __filename): string[] {
  const local = file.endsWith(".ts")
    ? path.join(dir, "..", "dist", "provider", "handlers.js")
    : path.join(dir, "handlers.js");
  return [PACKAGE_HANDLERS, local];
}

const LOCATIONS = handlerLocations();

type Handlers = typeof import("./handlers");

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

/** The DataModelReload provider: every method defers to the handlers module. */
export const celonisProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => handlers().configure(req),
  check: (olds, news) => handlers().check(olds, news),
  diff: (id, olds, news) => handlers().diff(id, olds, news),
  create: (inputs) => handlers().create(inputs),
  update: (id, olds, news) => handlers().update(id, olds, news),
  read: (id, props) => handlers().read(id, props),
  delete: () => handlers().remove(),
};
