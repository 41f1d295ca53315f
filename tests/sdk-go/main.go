// Command sdk-go is a Go program using the generated Go SDK (sdk/go/celonis) through the Automation
// API with an inline program, under the real CLI and the pulumi-resource-celonis plugin: it proves
// the Go SDK works for users, not only that it compiles. tests/e2e/sdks.test.ts runs it against the
// emulator and checks the loads from the emulator's side.
//
// Usage: sdk-go <up|destroy>, with CELONIS_URL, CELONIS_API_TOKEN (test values), PLUGIN_DIR (where
// pulumi-resource-celonis is), WORK_DIR and PULUMI_BACKEND_URL; prints the stack outputs as JSON.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pulumi-celonis/sdk/go/celonis"
)

// program declares one reload of two tables of the emulator's demo model.
func program(ctx *pulumi.Context) error {
	reload, err := celonis.NewDataModelReload(ctx, "sales", &celonis.DataModelReloadArgs{
		PoolId:        pulumi.String("d0000000-0000-4000-a000-000000000001"),
		DataModelId:   pulumi.String("d1000000-0000-4000-a000-000000000001"),
		Tables:        pulumi.StringArray{pulumi.String("ACTIVITIES"), pulumi.String("VENDORS")},
		TableTriggers: pulumi.Map{"ACTIVITIES": pulumi.String("v1")},
		OnBusy:        celonis.OnBusyWAIT,
	})
	if err != nil {
		return err
	}
	ctx.Export("status", reload.LastLoad.Status())
	ctx.Export("planTables", reload.Plan.Tables())
	ctx.Export("reloadCount", reload.ReloadCount)
	return nil
}

func stack(ctx context.Context) (auto.Stack, error) {
	project := workspace.Project{
		Name:    "sdk-go",
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Plugins: &workspace.Plugins{
			Providers: []workspace.PluginOptions{{Name: "celonis", Path: os.Getenv("PLUGIN_DIR")}},
		},
	}
	s, err := auto.UpsertStackInlineSource(ctx, "e2e", "sdk-go", program,
		auto.Project(project), auto.WorkDir(os.Getenv("WORK_DIR")))
	if err != nil {
		return s, err
	}
	if err := s.SetConfig(ctx, "celonis:url", auto.ConfigValue{Value: os.Getenv("CELONIS_URL")}); err != nil {
		return s, err
	}
	token := auto.ConfigValue{Value: os.Getenv("CELONIS_API_TOKEN"), Secret: true}
	return s, s.SetConfig(ctx, "celonis:apiToken", token)
}

func run(action string) error {
	ctx := context.Background()
	s, err := stack(ctx)
	if err != nil {
		return err
	}
	if action == "destroy" {
		_, err = s.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		return err
	}
	res, err := s.Up(ctx, optup.ProgressStreams(os.Stderr))
	if err != nil {
		return err
	}
	outputs := map[string]interface{}{}
	for k, v := range res.Outputs {
		outputs[k] = v.Value
	}
	return json.NewEncoder(os.Stdout).Encode(outputs)
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "up" && os.Args[1] != "destroy") {
		fmt.Fprintln(os.Stderr, "usage: sdk-go <up|destroy>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintf(os.Stderr, "sdk-go: %v\n", err)
		os.Exit(1)
	}
}
