// Lookups by name, reload windows and named connections: the production model reloads only on weekday nights and at
// weekends (Europe/Berlin); outside those windows `up` succeeds, says when the next window opens and
// records planStatus "deferred", and the next `up` inside a window runs the reload. A second
// resource reloads the same ids in another Celonis team through a named connection, when one is
// configured (`staging`, a key of `celonis:connections`). The preview shows each plan's expected
// duration (`plan.expectedSeconds`). The model is found by its name.
import * as pulumi from "@pulumi/pulumi";
import * as celonis from "pulumi-celonis";

export = async () => {
  const cfg = new pulumi.Config();
  // The model by name (no ids copied from a browser): the pool by name or id, then the model in it.
  const found = celonis.getDataModelOutput({
    pool: cfg.get("pool") ?? "Demo Pool",
    name: cfg.get("model") ?? "P2P Demo Model",
  });
  const model = { poolId: found.poolId, dataModelId: found.id, triggers: [cfg.get("deployVersion") ?? "1"] };
  const production = new celonis.DataModelReload("production", {
    ...model,
    windows: cfg.getObject<string[]>("windows") ?? ["Mon-Fri 19:00-06:00", "Sat-Sun"],
    timeZone: "Europe/Berlin",
  });
  const stagingConnection = cfg.get("stagingConnection"); // e.g. "staging"
  const staging = stagingConnection
    ? new celonis.DataModelReload("staging", { ...model, connection: stagingConnection })
    : undefined;
  return {
    productionStatus: production.planStatus,
    productionExpectedSeconds: production.plan.apply((p) => p.expectedSeconds ?? null),
    stagingStatus: staging?.planStatus ?? null,
  };
};
