// Reload the whole P2P Demo Model as part of a deploy. The reload runs when the resource is created
// and again whenever `deployVersion` changes (stand-in for anything upstream: a schema hash, a job
// id); `pulumi preview` shows the plan before anything runs.
import * as pulumi from "@pulumi/pulumi";
import * as celonis from "pulumi-celonis";

export = async () => {
  const cfg = new pulumi.Config();
  const reload = new celonis.DataModelReload("p2p", {
    poolId: cfg.get("poolId") ?? "d0000000-0000-4000-a000-000000000001",
    dataModelId: cfg.get("dataModelId") ?? "d1000000-0000-4000-a000-000000000001", // P2P Demo Model
    triggers: [cfg.get("deployVersion") ?? "1"],
    timeoutSeconds: 600,
  });
  return {
    status: reload.lastLoad.apply((l) => l?.status ?? null),
    loadId: reload.lastLoad.apply((l) => l?.loadId ?? null),
    duration: reload.lastLoad.apply((l) => l?.durationSeconds ?? null),
    plan: reload.plan,
  };
};
