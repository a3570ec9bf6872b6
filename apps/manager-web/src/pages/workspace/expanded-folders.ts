/** The file tree's open folders as a list (remembered with the settings), and how it follows changes. */
import { maxWatchedFolders } from "@director/contracts/manager-workspace";
import { ancestorsOf, isSameOrInside, movedPath } from "./workspace-paths";

/** The list with `folder` open (and every folder above it, so that it shows) or closed. */
export function withFolder(expanded: readonly string[], folder: string, isExpanded: boolean): string[] {
  if (folder === "") return [...expanded];
  if (!isExpanded) return expanded.filter((path) => path !== folder);
  const added = [...ancestorsOf(folder).filter((path) => path !== ""), folder].filter(
    (path) => !expanded.includes(path),
  );
  // The newest opened last; the oldest fall out past the number of folders a page may watch.
  return [...expanded, ...added].slice(-maxWatchedFolders);
}

/** The list after `from` moved to `to`: it and the folders inside it keep their state under their new paths. */
export function afterMove(expanded: readonly string[], from: string, to: string): string[] {
  return [...new Set(expanded.map((path) => movedPath(path, from, to)))];
}

/** The list after `removed` was removed (or replaced): it and everything inside it close. */
export function afterRemoval(expanded: readonly string[], removed: string): string[] {
  return expanded.filter((path) => !isSameOrInside(path, removed));
}
