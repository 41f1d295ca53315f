// Reading what a test run left on disk (state files, stack files), for tests that search it for
// what must not be there, such as a credential.
import * as fs from "node:fs";
import * as path from "node:path";

/** Every file below `dir`, as text; "" when `dir` does not exist. */
export function readTree(dir: string): string {
  if (!fs.existsSync(dir)) return "";
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"))
    .join("\n");
}
