// The README's YAML quickstart "works as written": it is the program of examples/yaml-quickstart
// (which the e2e layer runs with the CLI) minus its `plugins` block, and its install commands name
// the package's version and the tarball name scripts/pack-plugin.sh produces.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("README: the YAML quickstart", () => {
  const readme = read("README.md");
  const section = readme.slice(readme.indexOf("## Use from YAML, Python, Go or C#"));

  it("is the tested example's program without its plugins block", () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(yaml, "a yaml block in the section");
    const example = read("examples/yaml-quickstart/Pulumi.yaml").replace(/^plugins:\n(?:[ \t]+.*\n)+/m, "");
    assert.equal(yaml, example);
  });

  it("installs the plugin at the package's version, from the tarball pack-plugin.sh names", () => {
    const { version } = JSON.parse(read("package.json")) as { version: string };
    const install = /pulumi plugin install resource celonis (\S+) --file (\S+)/.exec(section);
    assert.ok(install, "an install command");
    assert.equal(install[1], version);
    assert.match(install[2], new RegExp(`^pulumi-resource-celonis-v${version}-linux-amd64\\.tar\\.gz$`));
    assert.match(read("scripts/pack-plugin.sh"), /pulumi-resource-celonis-v\$version-\$os-\$arch\.tar\.gz/);
  });
});
