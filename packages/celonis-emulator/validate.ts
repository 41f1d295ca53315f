// One-line messages from zod validation failures, for the emulator's JSON inputs (seed, load
// behaviours, fault rules, control API bodies). The schemas carry their own wording ("must be a
// number >= 0"); this file only says where: `load behaviour durationMs …`, `pools[0].name: …`.
import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** A zod issue path as JSON-path-like text: `pools[0].dataModels[1].name`. */
export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

/** Parses `value` with `schema`, or throws an Error whose message is `describe(first issue)`. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  describe: (issue: Issue) => string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(describe(result.error.issues[0]));
}

/**
 * Describes an issue of an options object named `subject`: `<subject> <field> <message>`, or for a
 * field nobody knows `unknown <subject> field "x" (known: a, b)`.
 */
export function optionIssue(subject: string, knownKeys: readonly string[]): (issue: Issue) => string {
  return (issue) => {
    const where = pathText(issue.path);
    if (issue.code === "unrecognized_keys") {
      const known = where === "" ? ` (known: ${knownKeys.join(", ")})` : "";
      return `unknown ${subject}${where ? ` ${where}` : ""} field "${issue.keys[0]}"${known}`;
    }
    return `${subject}${where ? ` ${where}` : ""} ${issue.message}`;
  };
}
