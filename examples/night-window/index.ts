// Reload windows and named connections: the production model reloads only on weekday nights and at
// weekends (Europe/Berlin); outside those windows `up` succeeds, says when the next window opens and
// records planStatus "deferred", and the next `up` inside a window runs the reload. A second
// resource reloads the same ids in another Celonis team through a named connection, when one is
// configured (`staging`, a key of `celonis:connections`). The preview shows each plan's expected
// duration (`plan.expectedSeconds`).
import * as pulumi from "@pulumi/pulumi";
import * as celonis from "pulumi-celonis";

export = async () => {
  const cfg = new pulumi.Config();
  const model = {
    poolId: cfg.get("poolId") ?? "d0000000-0000-4000-a000-000000000001",
    dataModelId: cfg.get("dataModelId") ?? "d1000000-0000-4000-a000-000000000001", // P2P Demo Model
    triggers: [cfg.get("deployVersion") ?? "1"],
  };
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
