// Reload three tables of the P2P Demo Model, named by table name (ACTIVITIES, CASES) or alias
// (VENDORS is table LFA1). Each table has a trigger of its own from stack config, so changing one
// value reloads only that table:
//   pulumi config set activitiesVersion v2 && pulumi preview --diff
//   ~ plan: {action: "reload", loadType: "PARTIAL", tables: ["ACTIVITIES"], reasons: ["tableTriggers.ACTIVITIES changed"]}
// A misspelt name fails the preview with the close matches.
import * as pulumi from "@pulumi/pulumi";
import * as celonis from "pulumi-celonis";

export = async () => {
  const cfg = new pulumi.Config();
  const reload = new celonis.DataModelReload("p2p-tables", {
    poolId: cfg.get("poolId") ?? "d0000000-0000-4000-a000-000000000001",
    dataModelId: cfg.get("dataModelId") ?? "d1000000-0000-4000-a000-000000000001", // P2P Demo Model
    tables: ["ACTIVITIES", "CASES", "VENDORS"],
    tableTriggers: {
      ACTIVITIES: cfg.get("activitiesVersion") ?? "v1",
      CASES: cfg.get("casesVersion") ?? "v1",
      VENDORS: cfg.get("vendorsVersion") ?? "v1",
    },
  });
  return {
    plan: reload.plan,
    status: reload.lastLoad.apply((l) => l?.status ?? null),
    loadType: reload.lastLoad.apply((l) => l?.loadType ?? null),
    reloadedTables: reload.reloadedTables.apply((ts) => ts.map((t) => t.name)),
  };
};
