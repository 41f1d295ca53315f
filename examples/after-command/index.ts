// Reload after an upstream job. The `extract` command stands for an extraction or ETL step: the
// reload waits for it (dependsOn) and runs again whenever the job runs again and prints something new
// (triggers: [extract.stdout]). Bump `extractVersion` to rerun the job, and with it the reload.
// Needs the command provider plugin (pulumi-resource-command), which a normal Pulumi install fetches.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as celonis from "pulumi-celonis";

export = async () => {
  const cfg = new pulumi.Config();
  const extract = new command.local.Command("extract", {
    create: "echo extract-$(date +%s)",
    triggers: [cfg.get("extractVersion") ?? "1"], // a change replaces the command: it runs again
  });
  const reload = new celonis.DataModelReload(
    "after-extract",
    {
      poolId: cfg.get("poolId") ?? "d0000000-0000-4000-a000-000000000001",
      dataModelId: cfg.get("dataModelId") ?? "d1000000-0000-4000-a000-000000000001", // P2P Demo Model
      tables: ["ACTIVITIES", "CASES"],
      triggers: [extract.stdout],
    },
    { dependsOn: [extract] },
  );
  return {
    extractOutput: extract.stdout,
    plan: reload.plan,
    status: reload.lastLoad.apply((l) => l?.status ?? null),
  };
};
