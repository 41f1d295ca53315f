// Reads the resource's contract from its TypeScript source with the compiler API: the members of an
// interface or class, their TSDoc and their types, mapped to Pulumi schema types. This is how the
// plugin's schema takes its descriptions from the same text as the TSDoc instead of repeating it.
// Named types it meets (string-literal unions, interfaces) are collected as schema types.

import * as ts from "typescript";

/** A Pulumi schema type reference (a subset of the schema's TypeSpec). */
export interface TypeSpec {
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  $ref?: string;
}

/** A schema property: a type plus its description. */
export interface PropertySpec extends TypeSpec {
  description?: string;
  secret?: boolean;
}

/** A named schema type: an enum (string-literal union) or an object (interface). */
export interface ComplexTypeSpec {
  type: "string" | "object";
  description: string;
  enum?: { name: string; value: string; description?: string }[];
  properties?: Record<string, PropertySpec>;
  required?: string[];
}

/** One member read from the source: its schema property, and whether it may be left out or null. */
export interface Member {
  name: string;
  spec: PropertySpec;
  optional: boolean;
}

const WRAPPERS = new Set(["pulumi.Input", "pulumi.Output", "Input", "Output"]);

/** `fromCache` → `FromCache`, `LOST_CONNECTION` → `LostConnection`: enum value names for every SDK. */
export function pascal(value: string): string {
  const words = /[a-z]/.test(value) ? value.split(/[^A-Za-z0-9]+/) : value.toLowerCase().split(/_+/);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/** A TSDoc comment's text, one paragraph per blank line, lines of a paragraph joined. */
export function docText(parts: ts.SymbolDisplayPart[]): string {
  return ts
    .displayPartsToString(parts)
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, " ").trim())
    .filter(Boolean)
    .join("\n\n");
}

/** The last `/** … *\/` comment in source text (the one right before a union member). */
export function lastDocComment(text: string): string | undefined {
  const docs = text.match(/\/\*\*[\s\S]*?\*\//g);
  return docs?.[docs.length - 1]
    .replace(/^\/\*\*|\*\/$/g, "")
    .replace(/^\s*\*\s?/gm, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Each member of a union with the TSDoc written before it (`/** … *\/ | "done"`). */
function membersWithDocs(
  union: readonly ts.TypeNode[],
  start: number,
): { node: ts.TypeNode; doc?: string }[] {
  const text = union[0].getSourceFile().getFullText();
  return union.map((node, i) => ({
    node,
    doc: lastDocComment(text.slice(i === 0 ? start : union[i - 1].end, node.getStart())),
  }));
}

/** Reads schema types from a program; `token` names a schema type, e.g. `celonis:index:Plan`. */
export class SchemaReader {
  readonly types: Record<string, ComplexTypeSpec> = {};
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly program: ts.Program,
    private readonly token: (name: string) => string,
  ) {
    this.checker = program.getTypeChecker();
  }

  /** The members of the interface or class `name` declared in `file`. */
  members(file: string, name: string): { doc: string; members: Member[] } {
    const source = this.program.getSourceFile(file);
    const decl = source?.statements.find(
      (s): s is ts.InterfaceDeclaration | ts.ClassDeclaration =>
        (ts.isInterfaceDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === name,
    );
    if (!decl) throw new Error(`${file}: no interface or class ${name}`);
    return { doc: this.doc(decl.name!), members: this.membersOf(decl, true) };
  }

  private doc(name: ts.Node): string {
    const symbol = this.checker.getSymbolAtLocation(name);
    return symbol ? docText(symbol.getDocumentationComment(this.checker)) : "";
  }

  /** `requireDoc`: the resource's own members must be documented; nested types' members may not be. */
  private membersOf(decl: ts.InterfaceDeclaration | ts.ClassDeclaration, requireDoc: boolean): Member[] {
    const members: Member[] = [];
    for (const m of decl.members) {
      if (!(ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) || !m.type) continue;
      const name = m.name.getText();
      const { spec, nullable } = this.typeOf(m.type, `${decl.name!.text}.${name}`);
      const description = this.doc(m.name);
      if (!description && requireDoc)
        throw new Error(`${decl.name!.text}.${name} has no TSDoc: the schema needs it`);
      const described = description ? { ...spec, description } : spec;
      members.push({ name, spec: described as PropertySpec, optional: !!m.questionToken || nullable });
    }
    return members;
  }

  /** The schema type of a type node; `nullable` when it admits null or undefined. */
  typeOf(node: ts.TypeNode, where: string): { spec: TypeSpec; nullable: boolean } {
    if (ts.isParenthesizedTypeNode(node)) return this.typeOf(node.type, where);
    if (ts.isUnionTypeNode(node)) return this.unionOf(node, where);
    if (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword) {
      throw new Error(`${where}: a type that is only null`);
    }
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) {
      return { spec: { type: "string" }, nullable: false }; // one fixed string: described in prose
    }
    if (ts.isArrayTypeNode(node)) {
      return { spec: { type: "array", items: this.typeOf(node.elementType, where).spec }, nullable: false };
    }
    const keyword: Partial<Record<ts.SyntaxKind, TypeSpec>> = {
      [ts.SyntaxKind.StringKeyword]: { type: "string" },
      [ts.SyntaxKind.NumberKeyword]: { type: "number" },
      [ts.SyntaxKind.BooleanKeyword]: { type: "boolean" },
      [ts.SyntaxKind.UnknownKeyword]: { $ref: "pulumi.json#/Any" },
    };
    if (keyword[node.kind]) return { spec: keyword[node.kind]!, nullable: false };
    if (ts.isTypeReferenceNode(node)) return this.referenceOf(node, where);
    throw new Error(`${where}: unsupported type ${node.getText()}`);
  }

  private unionOf(node: ts.UnionTypeNode, where: string): { spec: TypeSpec; nullable: boolean } {
    const isNull = (t: ts.TypeNode) =>
      t.kind === ts.SyntaxKind.UndefinedKeyword ||
      (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword);
    const rest = node.types.filter((t) => !isNull(t));
    const nullable = rest.length < node.types.length;
    if (rest.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) {
      return { spec: { type: "string" }, nullable }; // an unnamed set of strings: described in prose
    }
    if (rest.length !== 1) throw new Error(`${where}: unsupported union ${node.getText()}`);
    return { spec: this.typeOf(rest[0], where).spec, nullable };
  }

  private referenceOf(node: ts.TypeReferenceNode, where: string): { spec: TypeSpec; nullable: boolean } {
    const name = node.typeName.getText();
    const args = node.typeArguments ?? [];
    if (WRAPPERS.has(name) && args.length === 1) return this.typeOf(args[0], where);
    if (name === "Record" && args.length === 2) {
      return {
        spec: { type: "object", additionalProperties: this.typeOf(args[1], where).spec },
        nullable: false,
      };
    }
    let symbol = this.checker.getSymbolAtLocation(node.typeName);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const decl = symbol?.declarations?.[0];
    const own = decl && !decl.getSourceFile().isDeclarationFile; // not a library's type (Map, Date, …)
    if (own && (ts.isTypeAliasDeclaration(decl) || ts.isInterfaceDeclaration(decl))) {
      return { spec: { $ref: `#/types/${this.named(decl, where)}` }, nullable: false };
    }
    throw new Error(`${where}: unsupported type ${name}`);
  }

  /** Defines the schema type of a named alias or interface (once) and returns its token. */
  private named(decl: ts.TypeAliasDeclaration | ts.InterfaceDeclaration, where: string): string {
    const token = this.token(decl.name.text);
    if (this.types[token]) return token;
    const description = this.doc(decl.name);
    if (ts.isInterfaceDeclaration(decl)) {
      this.types[token] = { type: "object", description, properties: {}, required: [] };
      const members = this.membersOf(decl, false);
      this.types[token].properties = Object.fromEntries(members.map((m) => [m.name, m.spec]));
      this.types[token].required = members.filter((m) => !m.optional).map((m) => m.name);
      return token;
    }
    const union = ts.isUnionTypeNode(decl.type) ? decl.type.types : [decl.type];
    if (!union.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) {
      throw new Error(`${where}: type ${decl.name.text} is neither a set of strings nor an interface`);
    }
    this.types[token] = {
      type: "string",
      description,
      enum: membersWithDocs(union, decl.type.pos).map(({ node, doc }) => {
        const value = ((node as ts.LiteralTypeNode).literal as ts.StringLiteral).text;
        return { name: pascal(value), value, ...(doc ? { description: doc } : {}) };
      }),
    };
    return token;
  }
}
