// The gRPC ResourceProvider service of the `pulumi-resource-celonis` plugin, over the same provider
// methods the dynamic resource uses (operations.ts), with a provider context of its own. It is
// written against the SDK's generated stubs rather than `@pulumi/pulumi/provider`'s `main()`, because that one (SDK 3.248) drops Configure's variables and
// has no detailed diff. This file only translates: protobuf in, handlers, protobuf out, with
// secrets revealed on the way in and concealed on the way out, and a Cancel that stops every wait.

import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import type * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { CancelledError } from "../celonis/errors";
import { ProviderContext } from "../context";
import { createLookups, type Lookups } from "../lookups";
import * as operations from "../operations";
import { DEFAULTS, INPUT_KEYS } from "../properties";
import schema from "../schema.json";
import { configureRequest } from "./config";
import { changedProperties, detailedDiff, type DetailedDiff, type DiffKind } from "./detailed-diff";
import type { EngineLogger } from "./engine-log";
import { toStruct, wireError } from "./errors";
import { argumentFailures, invokeLookup, lookupOf } from "./invoke";
import { conceal, reveal } from "./secrets";

type Props = Record<string, unknown>;
type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** The resource this plugin serves. */
export const RESOURCE_TYPE = "celonis:index:DataModelReload";

/** Fails for a resource type this plugin does not serve (the URN's type, after any parent types). */
export function requireResourceType(urn: string): void {
  const type = urn.split("::")[2]?.split("$").pop();
  if (type !== RESOURCE_TYPE) {
    throw new Error(`unknown resource type ${type ?? urn}: the celonis plugin serves ${RESOURCE_TYPE} only`);
  }
}

const KINDS: Record<DiffKind, provproto.PropertyDiff.Kind> = {
  add: provproto.PropertyDiff.Kind.ADD,
  "add-replace": provproto.PropertyDiff.Kind.ADD_REPLACE,
  delete: provproto.PropertyDiff.Kind.DELETE,
  "delete-replace": provproto.PropertyDiff.Kind.DELETE_REPLACE,
  update: provproto.PropertyDiff.Kind.UPDATE,
  "update-replace": provproto.PropertyDiff.Kind.UPDATE_REPLACE,
};

function fromStruct(struct: structproto.Struct | undefined): Props {
  return (struct?.toJavaScript() as Props | undefined) ?? {};
}

/**
 * Adapts an async function to a gRPC unary handler; a throw becomes the engine's error, its partial
 * state concealed with the secrets of the request (`secretsOf`).
 */
function unary<Req, Res>(fn: (req: Req) => Promise<Res>, secretsOf?: (req: Req) => Props): Unary<Req, Res> {
  return (call, callback) => {
    fn(call.request).then(
      (res) => callback(null, res),
      (err: unknown) => {
        const source = secretsOf?.(call.request) ?? {};
        callback(wireError(err, (props) => conceal(props, source)));
      },
    );
  };
}

type Failures = { property: string; reason: string }[];

const wireFailures = (failures: Failures) =>
  failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason));

function checkResponse(inputs: Props, failures: Failures) {
  const resp = new provproto.CheckResponse();
  resp.setInputs(toStruct(inputs));
  resp.setFailuresList(wireFailures(failures));
  return resp;
}

function diffResponse(changes: boolean, replaces: string[], detailed: DetailedDiff) {
  const resp = new provproto.DiffResponse();
  resp.setChanges(
    changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE,
  );
  resp.setReplacesList(replaces);
  resp.setDiffsList(changedProperties(detailed));
  resp.setHasdetaileddiff(true);
  const map = resp.getDetaileddiffMap();
  for (const [path, kind] of Object.entries(detailed)) {
    map.set(path, new provproto.PropertyDiff().setKind(KINDS[kind]).setInputdiff(false));
  }
  return resp;
}

/**
 * The inputs an imported resource starts from: what `check` stored for it (the plan, the resolved
 * tables, so the next preview shows no change), without options at their defaults, so the code
 * `pulumi import` prints holds only what a user would write.
 */
export function importedInputs(props: Props): Props {
  const isDefault = (k: string) => JSON.stringify((DEFAULTS as Props)[k]) === JSON.stringify(props[k]);
  const keep = INPUT_KEYS.filter((k) => props[k] !== undefined && props[k] !== null && !isDefault(k));
  return Object.fromEntries(keep.map((k) => [k, props[k]]));
}

/** What the server needs from its process: where log lines go, and the plugin's version. */
export interface ServerOptions {
  logger: Pick<EngineLogger, "log" | "connect">;
  version: string;
}

/**
 * The ResourceProvider service. One instance per plugin process (the engine starts one per provider).
 * Methods it does not define (Construct, Call, …) are answered UNIMPLEMENTED by grpc-js.
 */
export class ProviderServer {
  private readonly inFlight = new Set<AbortController>();
  private cancelled = false;
  /** This provider instance's state (the engine starts one plugin process per configured provider). */
  private readonly context: ProviderContext;
  /** The lookups by name, through the configured connection (replaced by each Configure). */
  private lookups: Lookups = createLookups(() => ({ get: () => undefined, env: process.env }));

  constructor(private readonly options: ServerOptions) {
    // Lines printed outside a call context go to the engine's log too.
    this.context = new ProviderContext({ log: (line) => options.logger.log(line) });
  }

  /** Stops every wait in progress, and any started after (the engine is shutting down). */
  cancelAll(): void {
    this.cancelled = true;
    for (const controller of this.inFlight) controller.abort(new CancelledError());
  }

  /** One call's context: its resource's log, and a signal for Cancel and the engine's timeout. */
  private async withContext<T>(
    urn: string,
    timeoutSeconds: number,
    fn: (ctx: operations.CallContext) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    if (this.cancelled) controller.abort(new CancelledError());
    const timer =
      timeoutSeconds > 0
        ? setTimeout(
            () => controller.abort(new CancelledError(`the engine's timeout (${timeoutSeconds}s) passed`)),
            timeoutSeconds * 1000,
          )
        : undefined;
    this.inFlight.add(controller);
    try {
      // The URN is the resource's identity for the trigger journal (the dynamic face sends __scope).
      const log = (line: string) => this.options.logger.log(line, urn);
      return await fn({ log, signal: controller.signal, scope: urn });
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  getPluginInfo: Unary<emptyproto.Empty, plugproto.PluginInfo> = unary(async () =>
    new plugproto.PluginInfo().setVersion(this.options.version),
  );

  getSchema: Unary<provproto.GetSchemaRequest, provproto.GetSchemaResponse> = unary(async (req) => {
    if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
    return new provproto.GetSchemaResponse().setSchema(JSON.stringify(schema));
  });

  checkConfig: Unary<provproto.CheckRequest, provproto.CheckResponse> = unary(async (req) =>
    checkResponse(fromStruct(req.getNews()), []),
  );

  diffConfig: Unary<provproto.DiffRequest, provproto.DiffResponse> = unary(async (req) => {
    const olds = reveal<Props>(fromStruct(req.getOlds()));
    const news = reveal<Props>(fromStruct(req.getNews()));
    const detailed: DetailedDiff = {};
    for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
      if (JSON.stringify(olds[key]) !== JSON.stringify(news[key])) detailed[key] = "update";
    }
    return diffResponse(Object.keys(detailed).length > 0, [], detailed);
  });

  configure: Unary<provproto.ConfigureRequest, provproto.ConfigureResponse> = unary(async (req) => {
    const variables = Object.fromEntries(req.getVariablesMap().toArray());
    const request = configureRequest(variables, fromStruct(req.getArgs()));
    await operations.configure(this.context, request);
    this.lookups.close();
    this.lookups = createLookups(() => ({ get: (key) => request.config.get(key), env: process.env }));
    return new provproto.ConfigureResponse()
      .setAcceptsecrets(true)
      .setSupportspreview(false)
      .setAcceptresources(false)
      .setAcceptoutputs(false);
  });

  check: Unary<provproto.CheckRequest, provproto.CheckResponse> = unary(async (req) => {
    requireResourceType(req.getUrn());
    const news = fromStruct(req.getNews());
    const scope = { scope: req.getUrn() };
    const result = await operations.check(
      this.context,
      reveal(fromStruct(req.getOlds())),
      reveal(news),
      scope,
    );
    return checkResponse(conceal(result.inputs, news), result.failures);
  });

  diff: Unary<provproto.DiffRequest, provproto.DiffResponse> = unary(async (req) => {
    const olds = reveal<Props>(fromStruct(req.getOlds()));
    const news = reveal<Props>(fromStruct(req.getNews()));
    const decision = await operations.diff(this.context, req.getId(), olds, news, { scope: req.getUrn() });
    const resp = diffResponse(decision.changes, decision.replaces, detailedDiff(olds, news, decision));
    return resp.setDeletebeforereplace(decision.deleteBeforeReplace);
  });

  create: Unary<provproto.CreateRequest, provproto.CreateResponse> = unary(
    async (req) => {
      const wire = fromStruct(req.getProperties());
      const { id, outs } = await this.withContext(req.getUrn(), req.getTimeout(), (ctx) =>
        operations.create(this.context, reveal(wire), ctx),
      );
      return new provproto.CreateResponse().setId(id).setProperties(toStruct(conceal({ ...outs }, wire)));
    },
    (req) => fromStruct(req.getProperties()),
  );

  update: Unary<provproto.UpdateRequest, provproto.UpdateResponse> = unary(
    async (req) => {
      const news = fromStruct(req.getNews());
      const olds = reveal<Props>(fromStruct(req.getOlds()));
      const { outs } = await this.withContext(req.getUrn(), req.getTimeout(), (ctx) =>
        operations.update(this.context, req.getId(), olds, reveal(news), ctx),
      );
      return new provproto.UpdateResponse().setProperties(toStruct(conceal({ ...outs }, news)));
    },
    (req) => fromStruct(req.getNews()),
  );

  read: Unary<provproto.ReadRequest, provproto.ReadResponse> = unary(async (req) => {
    const wire = fromStruct(req.getProperties());
    const imported = Object.keys(wire).length === 0;
    const result = await this.withContext(req.getUrn(), req.getTimeout(), (ctx) =>
      operations.read(this.context, req.getId(), reveal(wire), ctx),
    );
    const props = conceal(result.props, wire);
    const inputs = imported ? importedInputs(props) : fromStruct(req.getInputs());
    return new provproto.ReadResponse()
      .setId(result.id)
      .setProperties(toStruct(props))
      .setInputs(toStruct(inputs));
  });

  /** The schema functions: lookups by name (invoke.ts); bad arguments come back as failures. */
  invoke: Unary<provproto.InvokeRequest, provproto.InvokeResponse> = unary(async (req) => {
    const name = lookupOf(req.getTok());
    const args = reveal<Props>(fromStruct(req.getArgs()));
    const failures = argumentFailures(name, args);
    const resp = new provproto.InvokeResponse();
    if (failures.length > 0) return resp.setFailuresList(wireFailures(failures));
    return resp.setReturn(toStruct(await invokeLookup(this.lookups, name, args)));
  });

  delete: Unary<provproto.DeleteRequest, emptyproto.Empty> = unary(async () => {
    await operations.remove();
    return new emptyproto.Empty();
  });

  cancel: Unary<emptyproto.Empty, emptyproto.Empty> = unary(async () => {
    this.cancelAll();
    return new emptyproto.Empty();
  });

  /** The engine attaching to a plugin it did not start (PULUMI_DEBUG_PROVIDERS): log to it. */
  attach: Unary<plugproto.PluginAttach, emptyproto.Empty> = unary(async (req) => {
    this.options.logger.connect(req.getAddress());
    return new emptyproto.Empty();
  });
}
