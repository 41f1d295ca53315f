// Command sdkgen generates the Python and Go SDKs of the Celonis provider from its schema
// (provider/schema.json), with the code generators of github.com/pulumi/pulumi/pkg/v3 at the version
// the CLI is built from. Why: `pulumi package gen-sdk` needs each language's plugin, which these
// machines cannot build; the generators themselves are ordinary Go packages. The .NET generator left
// pkg/v3 after v3.106.0, so the C# SDK comes from toolchain/sdkgen-dotnet.
//
// Usage: go run ./sdkgen -schema ../provider/schema.json -out ../sdk   (writes <out>/python and <out>/go)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-celonis sdkgen"

func main() {
	schemaPath := flag.String("schema", "provider/schema.json", "the package schema")
	out := flag.String("out", "sdk", "where each language's SDK is written (<out>/python, <out>/go)")
	flag.Parse()
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	// One loader for binding the schema and for the Python generator (which resolves references with it).
	loader := schema.NewPluginLoader(nil)
	pkg, err := bind(schemaPath, loader)
	if err != nil {
		return err
	}
	for _, lang := range []string{"python", "go"} {
		var files map[string][]byte
		if lang == "python" {
			files, err = python.GeneratePackage(tool, pkg, nil, loader)
		} else {
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", lang, err)
		}
		if lang == "go" {
			files, err = withGoMod(pkg, files)
			if err != nil {
				return err
			}
		}
		if err := write(filepath.Join(out, lang), files); err != nil {
			return err
		}
		fmt.Printf("sdkgen: %s SDK, %d files in %s\n", lang, len(files), filepath.Join(out, lang))
	}
	return nil
}

// withGoMod adds the go.mod the Go SDK needs to be built and required: its module is the schema's
// importBasePath, on the github.com/pulumi/pulumi/sdk/v3 version this generator was built with.
func withGoMod(pkg *schema.Package, files map[string][]byte) (map[string][]byte, error) {
	info, ok := pkg.Language["go"].(gogen.GoPackageInfo)
	if !ok || info.ImportBasePath == "" {
		return nil, fmt.Errorf("go: the schema sets no language.go.importBasePath")
	}
	sdk := ""
	if build, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range build.Deps {
			if dep.Path == "github.com/pulumi/pulumi/sdk/v3" {
				sdk = dep.Version
			}
		}
	}
	if sdk == "" {
		return nil, fmt.Errorf("go: cannot tell which github.com/pulumi/pulumi/sdk/v3 this generator uses")
	}
	dir := path.Base(info.ImportBasePath)
	files[dir+"/go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n", info.ImportBasePath, sdk))
	return files, nil
}

// bind reads and validates the schema; any diagnostic error fails the generation.
func bind(schemaPath string, loader schema.ReferenceLoader) (*schema.Package, error) {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", schemaPath, diags.Error())
	}
	return pkg, nil
}

// write replaces dir with the generated files.
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
