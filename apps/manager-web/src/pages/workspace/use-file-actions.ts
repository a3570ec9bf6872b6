/**
 * What the file tree's toolbar, menus and drops do: make files and folders, rename and move, delete, change the
 * execute bit, upload. Each asks what it needs in an in-page dialog, calls the API, reads the changed listings
 * again and tells the editor and the tree's open folders where things went.
 */
import { type InfiniteData, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { invalidate, queryKeys } from "../../api/queries";
import type { DirectoryListing, FileEntry } from "../../api/types";
import { useAction, useApi } from "../../hooks";
import { joinPath, parentPath } from "../../lib/format";
import type { Dialogs } from "./dialogs";
import { entriesOfDrop, filesOfInput, type PickedTree, walkEntries } from "./dropped-files";
import type { TreeTarget } from "./file-tree";
import { entryIn } from "./tree-entries";
import type { EditorController } from "./use-editor-tabs";
import { useUpload } from "./use-upload";
import { baseName, dropTargetPath, pathProblem, tidyPath } from "./workspace-paths";

/** What the tree keeps across its listings (its open folders, its selection) and how it follows each change. */
export interface TreeChanges {
  expand(folder: string): void;
  move(from: string, to: string): void;
  remove(path: string): void;
}

/** A folder as a dialog names it: the site's name for the site directory. */
const placeName = (siteName: string, folder: string) => (folder === "" ? siteName : folder);

/** Where a typed name goes, or why it cannot. */
const validateName = (value: string) => pathProblem(tidyPath(value));

/** The range of a path's name without its extension, selected first when renaming ("public/[index].html"). */
function nameSelection(path: string): [number, number] {
  const start = path.lastIndexOf("/") + 1;
  const dot = path.lastIndexOf(".");
  return [start, dot > start ? dot : path.length];
}

/** Starts a download of `url` through a link, as the browser does for a click on one (the session cookie goes along). */
export function downloadFrom(url: string, fileName = ""): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}

export function useFileActions(deps: {
  siteName: string;
  dialogs: Dialogs;
  editor: Pick<EditorController, "open" | "followMove" | "followRemoval">;
  folders: TreeChanges;
}) {
  const { siteName, dialogs, editor, folders } = deps;
  const api = useApi();
  const queryClient = useQueryClient();
  const action = useAction();
  const reread = useCallback(() => void invalidate.siteFiles(queryClient, siteName), [queryClient, siteName]);
  const upload = useUpload(siteName, reread);

  /** Runs a change: its failure is shown above the tree; the listings are read again either way. */
  const { run } = action;
  const change = useCallback((work: () => Promise<unknown>) => run(() => work().finally(reread)), [run, reread]);

  const newFile = useCallback(
    async (folder: string) => {
      const name = await dialogs.prompt({
        title: `New file in ${placeName(siteName, folder)}`,
        label: "Name",
        validate: validateName,
      });
      if (name === null) return;
      const path = joinPath(folder, tidyPath(name));
      await change(async () => {
        if (await api.files.exists(siteName, path)) throw new Error(`${path} already exists.`);
        const saved = await api.files.save(siteName, path, new ArrayBuffer(0));
        folders.expand(parentPath(path));
        const entry: FileEntry = {
          name: baseName(path),
          type: "file",
          sizeBytes: 0,
          modifiedAt: saved?.modifiedAt ?? "",
          mode: 0o644,
        };
        editor.open({ path, entry });
      });
    },
    [api, change, dialogs, editor, folders, siteName],
  );

  const newFolder = useCallback(
    async (folder: string) => {
      const name = await dialogs.prompt({
        title: `New folder in ${placeName(siteName, folder)}`,
        label: "Name",
        validate: validateName,
      });
      if (name === null) return;
      const path = joinPath(folder, tidyPath(name));
      if (await change(() => api.files.makeFolder(siteName, path))) folders.expand(parentPath(path));
    },
    [api, change, dialogs, folders, siteName],
  );

  /** Renames in place or moves anywhere: the new path is typed from the site directory. */
  const rename = useCallback(
    async (target: TreeTarget) => {
      const answer = await dialogs.prompt({
        title: `Rename ${target.entry.name}`,
        label: "New path",
        initial: target.path,
        selection: nameSelection(target.path),
        okLabel: "Rename",
        validate: validateName,
      });
      if (answer === null) return;
      const to = tidyPath(answer);
      if (to === target.path) return;
      if (await change(() => api.files.move(siteName, target.path, to))) {
        editor.followMove(target.path, to);
        folders.move(target.path, to);
        folders.expand(parentPath(to));
      }
    },
    [api, change, dialogs, editor, folders, siteName],
  );

  /** A drop of a tree entry onto a folder. */
  const move = useCallback(
    async (from: string, toFolder: string) => {
      const to = dropTargetPath(from, toFolder);
      if (to === null) return;
      if (await change(() => api.files.move(siteName, from, to))) {
        editor.followMove(from, to);
        folders.move(from, to);
        folders.expand(toFolder);
      }
    },
    [api, change, editor, folders, siteName],
  );

  const remove = useCallback(
    async (target: TreeTarget) => {
      const isFolder = target.entry.type === "directory";
      const isConfirmed = await dialogs.confirm({
        title: `Delete ${target.entry.name}?`,
        message: isFolder
          ? `The folder ${target.path} and everything in it will be deleted. This cannot be undone.`
          : `${target.path} will be deleted. This cannot be undone.`,
        okLabel: "Delete",
        isDanger: true,
      });
      if (!isConfirmed) return;
      if (await change(() => api.files.remove(siteName, target.path, { recursive: isFolder }))) {
        editor.followRemoval(target.path);
        folders.remove(target.path);
      }
    },
    [api, change, dialogs, editor, folders, siteName],
  );

  const setExecutable = useCallback(
    (target: TreeTarget, isExecutable: boolean) =>
      void change(() => api.files.changeMode(siteName, target.path, isExecutable ? "+x" : "-x")),
    [api, change, siteName],
  );

  /**
   * Uploads what was picked into `folder`, asking first when files at its top would replace files the tree lists
   * there (deeper files are not checked: their folders may not have been read).
   */
  const uploadTree = useCallback(
    async (folder: string, picked: PickedTree) => {
      if (picked.files.length === 0 && picked.folders.length === 0) return;
      const listing = queryClient.getQueryData<InfiniteData<DirectoryListing>>(queryKeys.siteFolder(siteName, folder));
      const replaced = picked.files
        .map((file) => joinPath(folder, tidyPath(file.relativePath)))
        .filter((path) => parentPath(path) === folder && entryIn(listing, path)?.type === "file");
      if (replaced.length > 0) {
        const names = replaced.slice(0, 5).map(baseName).join(", ");
        const isConfirmed = await dialogs.confirm({
          title: replaced.length === 1 ? "Replace a file?" : `Replace ${replaced.length} files?`,
          message: `${names}${replaced.length > 5 ? " and more" : ""} already in ${placeName(siteName, folder)} will be replaced.`,
          okLabel: "Replace",
          isDanger: true,
        });
        if (!isConfirmed) return;
      }
      folders.expand(folder);
      await upload.start(folder, picked);
    },
    [dialogs, folders, queryClient, siteName, upload.start],
  );

  /** A drop from the computer: folders walked (entries taken now, while the drop event runs). */
  const uploadDrop = useCallback(
    (folder: string, transfer: DataTransfer) => {
      const entries = entriesOfDrop(transfer);
      const picked = entries === null ? Promise.resolve(filesOfInput(transfer.files)) : walkEntries(entries);
      void picked.then(
        (tree) => uploadTree(folder, tree),
        (failure: unknown) => action.fail(failure),
      );
    },
    [uploadTree, action.fail],
  );

  const uploadFiles = useCallback(
    (folder: string, files: FileList) => void uploadTree(folder, filesOfInput(files)),
    [uploadTree],
  );

  return {
    error: action.error,
    clearError: action.clearError,
    upload,
    newFile,
    newFolder,
    rename,
    move,
    remove,
    setExecutable,
    uploadDrop,
    uploadFiles,
  };
}

export type FileActions = ReturnType<typeof useFileActions>;
