/**
 * The files (and folders) of a drop or a file input, with their paths inside what was picked. A dropped folder is
 * walked through the File and Directory Entries API (https://wicg.github.io/entries-api/): `webkitGetAsEntry` must
 * be called while the drop event runs, the walk itself may take its time.
 */
import type { PickedFile } from "./upload-plan";

/** The entries API as the walk uses it (the browser's FileSystemEntry and its two kinds have these members). */
export interface EntryLike {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}
export interface FileEntryLike extends EntryLike {
  file(onFile: (file: File) => void, onError: (error: unknown) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): { readEntries(onEntries: (entries: EntryLike[]) => void, onError: (error: unknown) => void): void };
}

export interface PickedTree {
  files: PickedFile[];
  /** every folder met, relative like the files */
  folders: string[];
}

/** The top entries of a drop, taken while its event runs; null when the browser has no entries API. */
export function entriesOfDrop(transfer: DataTransfer): EntryLike[] | null {
  const items = [...transfer.items].filter((item) => item.kind === "file");
  if (items.length === 0 || typeof items[0]?.webkitGetAsEntry !== "function") return null;
  return items.map((item) => item.webkitGetAsEntry()).filter((entry): entry is FileSystemEntry => entry !== null);
}

/** Every file below the dropped entries, folders walked to the end. */
export async function walkEntries(entries: readonly EntryLike[]): Promise<PickedTree> {
  const tree: PickedTree = { files: [], folders: [] };
  const visit = async (entry: EntryLike, prefix: string): Promise<void> => {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileEntryLike).file(resolve, reject));
      tree.files.push({ relativePath: path, file });
    } else if (entry.isDirectory) {
      tree.folders.push(path);
      for (const child of await readAllEntries(entry as DirectoryEntryLike)) await visit(child, path);
    }
  };
  for (const entry of entries) await visit(entry, "");
  return tree;
}

/** A folder's entries: readEntries answers a batch at a time (100 in Chromium) until it answers none. */
async function readAllEntries(directory: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = directory.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** The files of a file input: a folder picker (webkitdirectory) gives each one's path inside the folder. */
export function filesOfInput(files: Iterable<File>): PickedTree {
  const picked = [...files].map((file) => ({ relativePath: file.webkitRelativePath || file.name, file }));
  const folders = new Set<string>();
  for (const { relativePath } of picked) {
    const segments = relativePath.split("/").slice(0, -1);
    for (let depth = 1; depth <= segments.length; depth++) folders.add(segments.slice(0, depth).join("/"));
  }
  return { files: picked, folders: [...folders] };
}
