/** What the file tree shows of a folder's listing, and how it finds an entry the listings brought. */
import type { InfiniteData } from "@tanstack/react-query";
import type { DirectoryListing, FileEntry } from "../../api/types";
import { baseName } from "./workspace-paths";

/**
 * The entries to show: hidden ones (a leading dot) only when asked, folders before files, each group in the
 * listing's order (by name). Folders first holds within the pages loaded so far; a later page may add more folders.
 */
export function shownEntries(entries: readonly FileEntry[], isShowingHidden: boolean): FileEntry[] {
  const visible = isShowingHidden ? [...entries] : entries.filter((entry) => !entry.name.startsWith("."));
  return [
    ...visible.filter((entry) => entry.type === "directory"),
    ...visible.filter((entry) => entry.type !== "directory"),
  ];
}

/** The entry named by `path` in the loaded pages of its folder's listing, or null. */
export function entryIn(listing: InfiniteData<DirectoryListing> | undefined, path: string): FileEntry | null {
  const name = baseName(path);
  for (const page of listing?.pages ?? []) {
    const found = page.entries.find((entry) => entry.name === name);
    if (found) return found;
  }
  return null;
}

/**
 * A sign beside the name of an entry that is neither a file nor a folder (folders have their ▸, files nothing):
 * plain characters that every system font has, not emoji. Hidden from screen readers, the title says it.
 */
export function entrySign(entry: Pick<FileEntry, "type">): { sign: string; title: string } | null {
  switch (entry.type) {
    case "symlink":
      return { sign: "↪", title: "Symbolic link" };
    case "other":
      return { sign: "◇", title: "Special file" };
    default:
      return null;
  }
}
