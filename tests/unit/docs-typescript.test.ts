// The TypeScript a user copies from the README and the docs compiles as pasted: every ```ts block is
// type-checked (strict) as a module of its own, with `pulumi-celonis` resolved to this checkout's
// provider/index.ts, so a renamed input or an undefined name in an example fails here.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, ".test-work", "docs-typescript");

/** Every ```ts / ```typescript block of a Markdown text, with the line it starts on. */
export function typescriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const fence = /^```(?:ts|typescript)\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, m.index).split("\n").length + 1, code: m[1] });
  }
  return blocks;
}

/** Type-checks files; returns one "file:line: message" per error. */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [path.join(ROOT, "node_modules", "@types")],
    baseUrl: ROOT,
    paths: { "pulumi-celonis": [path.join(ROOT, "provider", "index.ts")] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(WORK, d.file.fileName)}:${line + 1}: ${text}`;
  });
}

const documents = (): string[] => [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f)),
];

describe("docs: TypeScript examples type-check as pasted", function () {
  this.timeout(120_000);

  it("finds the blocks of a Markdown text, and where they start", () => {
    const md = "# t\n\n```ts\nconst a = 1;\n```\n\n```sh\nls\n```\n```typescript\nlet b;\n```\n";
    assert.deepEqual(typescriptBlocks(md), [
      { line: 4, code: "const a = 1;\n" },
      { line: 11, code: "let b;\n" },
    ]);
  });

  it("every block of the README and docs/ compiles, the README's Quickstart among them", () => {
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(WORK, { recursive: true });
    const files: string[] = [];
    for (const doc of documents()) {
      for (const block of typescriptBlocks(fs.readFileSync(path.join(ROOT, doc), "utf8"))) {
        const file = path.join(WORK, `${doc.replace(/[/.]/g, "_")}_line${block.line}.ts`);
        // `export {}` makes a block without imports a module, so blocks do not share names.
        fs.writeFileSync(file, `${block.code}\nexport {};\n`);
        files.push(file);
      }
    }
    assert.ok(
      files.some((f) => f.includes("README_md")),
      "the README has a TypeScript block",
    );
    assert.deepEqual(typeErrors(files), []);
  });

  it("reports an undefined name in a block", () => {
    fs.mkdirSync(WORK, { recursive: true });
    const file = path.join(WORK, "broken.ts");
    fs.writeFileSync(
      file,
      'import * as celonis from "pulumi-celonis";\nexport const t = [extractJob, celonis];\n',
    );
    assert.match(typeErrors([file]).join("\n"), /broken\.ts:2: Cannot find name 'extractJob'/);
  });
});
