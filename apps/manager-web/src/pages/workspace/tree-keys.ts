/**
 * The file tree's keyboard, as the WAI-ARIA tree pattern has it (https://www.w3.org/WAI/ARIA/apg/patterns/treeview/):
 * arrows move and open or close folders, Home and End jump, Enter activates, a letter goes to the next row starting
 * with it. The rows are the tree's visible treeitems in order, as the page reads them from the DOM.
 */

export interface TreeRow {
  id: string;
  name: string;
  /** 1 at the top, as aria-level */
  level: number;
  kind: "folder" | "file" | "more";
  isExpanded: boolean;
}

export type TreeKeyAction =
  | { type: "focus"; id: string }
  | { type: "expand"; id: string }
  | { type: "collapse"; id: string }
  /** Enter: open a file, open or close a folder, load more */
  | { type: "activate"; id: string };

/** What `key` does on the row `currentId`, or null when it does nothing (the page lets the key through). */
export function treeKeyAction(key: string, rows: readonly TreeRow[], currentId: string): TreeKeyAction | null {
  const index = rows.findIndex((row) => row.id === currentId);
  const row = rows[index];
  if (!row) return rows[0] ? { type: "focus", id: rows[0].id } : null;
  const focus = (target: TreeRow | undefined): TreeKeyAction | null =>
    target ? { type: "focus", id: target.id } : null;
  switch (key) {
    case "ArrowDown":
      return focus(rows[index + 1]);
    case "ArrowUp":
      return focus(rows[index - 1]);
    case "Home":
      return focus(rows[0]);
    case "End":
      return focus(rows.at(-1));
    case "ArrowRight":
      if (row.kind !== "folder") return null;
      if (!row.isExpanded) return { type: "expand", id: row.id };
      return rows[index + 1] && (rows[index + 1] as TreeRow).level > row.level ? focus(rows[index + 1]) : null;
    case "ArrowLeft": {
      if (row.kind === "folder" && row.isExpanded) return { type: "collapse", id: row.id };
      const parent = rows.slice(0, index).findLast((candidate) => candidate.level < row.level);
      return focus(parent);
    }
    case "Enter":
      return { type: "activate", id: row.id };
    default:
      return typeAhead(key, rows, index);
  }
}

/** A printable character: the next row (after the current one, wrapping) whose name starts with it. */
function typeAhead(key: string, rows: readonly TreeRow[], index: number): TreeKeyAction | null {
  if (key.length !== 1 || key === " ") return null;
  const wanted = key.toLowerCase();
  const ordered = [...rows.slice(index + 1), ...rows.slice(0, index + 1)];
  const match = ordered.find((row) => row.kind !== "more" && row.name.toLowerCase().startsWith(wanted));
  return match ? { type: "focus", id: match.id } : null;
}
