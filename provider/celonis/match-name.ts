// Picks one data pool or data model by what a user wrote: its name (exact first, then ignoring
// case and surrounding spaces) or, where allowed, its id. A name that matches nothing, or more than
// one, is an error listing the candidates, so a typo fails the preview with the right names beside it.
// Pure.

/** Something with an id and a name: a pool or a data model. */
export interface Named {
  id: string;
  name: string;
}

/** No match, or more than one: `candidates` are what the user could have meant. */
export class LookupError extends Error {
  constructor(
    message: string,
    readonly candidates: readonly Named[],
  ) {
    super(message);
    this.name = "LookupError";
  }
}

/** Most candidates a message lists. */
export const MAX_LISTED = 20;

function listed(items: readonly Named[]): string {
  const shown = items.slice(0, MAX_LISTED).map((i) => `"${i.name}" (${i.id})`);
  const more = items.length > MAX_LISTED ? ` and ${items.length - MAX_LISTED} more` : "";
  return `${shown.join(", ")}${more}`;
}

/**
 * The one item of `items` that `ref` names. `what` says what is looked up and where, e.g.
 * `data model "Sales" in pool "SAP ECC"`; `byId` also accepts an exact id.
 */
export function matchOne<T extends Named>(
  items: readonly T[],
  ref: string,
  what: { kind: string; where?: string; byId?: boolean },
): T {
  const wanted = ref.trim();
  if (what.byId) {
    const byId = items.find((i) => i.id === wanted);
    if (byId) return byId;
  }
  const exact = items.filter((i) => i.name === wanted);
  const loose =
    exact.length > 0 ? exact : items.filter((i) => i.name.trim().toLowerCase() === wanted.toLowerCase());
  const where = what.where ? ` in ${what.where}` : "";
  if (loose.length === 1) return loose[0];
  if (loose.length > 1) {
    throw new LookupError(
      `${loose.length} ${what.kind}s${where} are named "${wanted}": ${listed(loose)}; rename one in Celonis or use its id`,
      loose,
    );
  }
  const sorted = [...items].sort((a, b) => a.name.localeCompare(b.name));
  const valid =
    sorted.length > 0
      ? `; the ${what.kind}s${where} are ${listed(sorted)}`
      : `; there are no ${what.kind}s${where} this connection may see`;
  throw new LookupError(
    `no ${what.kind}${where} is named ${what.byId ? "or has the id " : ""}"${wanted}"${valid}`,
    sorted,
  );
}
