/**
 * The file tree's selection: the row its keyboard is on and the entry the toolbar acts on. It follows renames, moves
 * and removals as the open tabs and folders do, so that the toolbar never acts on a path that is gone.
 */
import type { TreeTarget } from "./file-tree";
import { baseName, isSameOrInside, movedPath } from "./workspace-paths";

export interface TreeSelection {
  /** the active row: an entry's path, or the id of another row (a folder's "Load more") */
  activeId: string | null;
  /** the entry the toolbar acts on (it stays when the active row is not an entry) */
  target: TreeTarget | null;
}

export const noSelection: TreeSelection = { activeId: null, target: null };

/** The selection after the row `activeId` became active; `target` is its entry, null for a row that is none. */
export function selectionOnActivate(
  selection: TreeSelection,
  activeId: string,
  target: TreeTarget | null,
): TreeSelection {
  return { activeId, target: target ?? selection.target };
}

/** The selection after `from` moved to `to`: it, or anything inside it, is selected at its new path. */
export function selectionAfterMove(selection: TreeSelection, from: string, to: string): TreeSelection {
  const { activeId, target } = selection;
  const targetPath = target === null ? null : movedPath(target.path, from, to);
  return {
    activeId: activeId === null ? null : movedPath(activeId, from, to),
    target:
      target === null || targetPath === null || targetPath === target.path
        ? target
        : { path: targetPath, entry: { ...target.entry, name: baseName(targetPath) } },
  };
}

/** The selection after `removed` was removed: nothing, if it was that or inside it. */
export function selectionAfterRemoval(selection: TreeSelection, removed: string): TreeSelection {
  const isGone = (path: string) => removed !== "" && isSameOrInside(path, removed);
  return {
    activeId: selection.activeId !== null && isGone(selection.activeId) ? null : selection.activeId,
    target: selection.target !== null && isGone(selection.target.path) ? null : selection.target,
  };
}
