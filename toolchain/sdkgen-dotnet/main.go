// Command sdkgen-dotnet generates the C# SDK of the Celonis provider from its schema. It is its own
// module because the .NET code generator left github.com/pulumi/pulumi/pkg/v3 after v3.106.0 (it
// now lives in pulumi-dotnet, which the Go module proxy here does not serve): v3.106.0 is the
// newest served version that has it. The Python and Go SDKs come from toolchain/sdkgen (v3.248.0).
//
// Usage: go run . -schema ../../provider/schema.json -out ../../sdk/dotnet
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	schemaPath := flag.String("schema", "provider/schema.json", "the package schema")
	out := flag.String("out", "sdk/dotnet", "where the C# SDK is written (replaced)")
	flag.Parse()
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen-dotnet: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewPluginLoader(nil))
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %s", schemaPath, diags.Error())
	}
	// The generator downloads the NuGet icon (pkg.LogoURL, else a default on GitHub), which fails
	// offline: hand it one drawn here, through a URL scheme answered in-process.
	http.DefaultTransport.(*http.Transport).RegisterProtocol("sdkgen", logoTransport{})
	pkg.LogoURL = "sdkgen://logo.png"
	files, err := dotnet.GeneratePackage("pulumi-celonis sdkgen-dotnet", pkg, nil)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("sdkgen-dotnet: dotnet SDK, %d files in %s\n", len(files), out)
	return nil
}

// logoTransport answers every request with a 64x64 PNG in one colour: the package icon.
type logoTransport struct{}

func (logoTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:i+4], []uint8{0x2e, 0x7d, 0x32, 0xff})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"image/png"}},
		Body: io.NopCloser(&buf), ContentLength: int64(buf.Len()), Request: req,
	}, nil
}
