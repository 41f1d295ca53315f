// Several reloads in one stack. Different data models load in parallel (the engine runs independent
// resources concurrently); reloads of the same data model in one deployment share one load that
// covers them all (Celonis loads one thing per model at a time). Here:
//   p2p + p2p-vendors  → P2P Demo Model (Demo Pool), one complete load for both
//   o2c                → O2C Sales Model (Demo Pool), in parallel with the others
//   ap                 → AP Invoice Model (Finance Pool), in parallel with the others
import * as pulumi from "@pulumi/pulumi";
import * as celonis from "pulumi-celonis";

export = async () => {
  const cfg = new pulumi.Config();
  const demoPool = cfg.get("demoPoolId") ?? "d0000000-0000-4000-a000-000000000001";
  const financePool = cfg.get("financePoolId") ?? "d0000000-0000-4000-a000-000000000002";
  const p2pModel = cfg.get("p2pModelId") ?? "d1000000-0000-4000-a000-000000000001";
  const o2cModel = cfg.get("o2cModelId") ?? "d1000000-0000-4000-a000-000000000002";
  const apModel = cfg.get("apModelId") ?? "d1000000-0000-4000-a000-000000000003";
  const version = cfg.get("deployVersion") ?? "1";

  const p2p = new celonis.DataModelReload("p2p", {
    poolId: demoPool,
    dataModelId: p2pModel,
    triggers: [version],
  });
  const p2pVendors = new celonis.DataModelReload("p2p-vendors", {
    poolId: demoPool,
    dataModelId: p2pModel,
    tables: ["VENDORS"],
    triggers: [version],
  });
  const o2c = new celonis.DataModelReload("o2c", {
    poolId: demoPool,
    dataModelId: o2cModel,
    tables: ["ACTIVITIES", "SALES_ORDERS"],
    triggers: [version],
  });
  const ap = new celonis.DataModelReload("ap", {
    poolId: financePool,
    dataModelId: apModel,
    triggers: [version],
  });

  const status = (r: celonis.DataModelReload) => r.lastLoad.apply((l) => l?.status ?? null);
  return {
    p2pStatus: status(p2p),
    p2pVendorsStatus: status(p2pVendors),
    o2cStatus: status(o2c),
    apStatus: status(ap),
  };
};
