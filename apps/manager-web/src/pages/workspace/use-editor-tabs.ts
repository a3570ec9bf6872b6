/**
 * The editor's controller: opens files into tabs (reading their bytes, deciding text, read-only or not at all),
 * saves with the modification-time check, answers a conflict by overwriting or reading again, follows renames and
 * removals made in the tree, and reads again an unedited open file that changed on disk.
 */
import { type InfiniteData, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { ApiError, messageOf } from "../../api/errors";
import { queryKeys } from "../../api/queries";
import type { DirectoryListing } from "../../api/types";
import { useApi } from "../../hooks";
import { parentPath } from "../../lib/format";
import type { Dialogs } from "./dialogs";
import { loadLanguage } from "./editor-languages";
import { type EditorLook, EditorSessions } from "./editor-sessions";
import { type EditorTab, noTabs, type TabsState, tabsReducer, tabsToReload } from "./editor-tabs-state";
import { decodeFile, encodeText, isExecutableMode, maxOpenBytes, openModeForSize } from "./file-content";
import type { TreeTarget } from "./file-tree";
import { languageForFile } from "./language-for-file";
import { entryIn } from "./tree-entries";
import { baseName, isSameOrInside, movedPath } from "./workspace-paths";

/** The error code of a save refused because the file changed on disk since `ifModifiedAt`. */
export const fileChangedCode = "FILE_CHANGED";

export interface EditorController {
  state: TabsState;
  activeTab: EditorTab | null;
  hasUnsavedChanges: boolean;
  /** puts the editor into the page's editor area; returns the removal */
  mountEditor(parent: HTMLElement): () => void;
  open(target: TreeTarget): void;
  activate(path: string): void;
  /** closes a tab, asking first when it has unsaved edits */
  close(path: string): Promise<void>;
  save(path: string, options?: { isOverwrite?: boolean }): Promise<void>;
  saveActive(): void;
  /** replaces the tab's text by the file on disk now (after a conflict, or when asked) */
  reloadFromDisk(path: string): Promise<void>;
  /** reads a tab's file again after it failed to open */
  retry(path: string): void;
  /** the tree moved `from` (a file or a folder) to `to` */
  followMove(from: string, to: string): void;
  /** the tree removed `path` (a file or a folder) */
  followRemoval(path: string): void;
}

export function useEditorTabs(siteName: string, look: EditorLook, dialogs: Pick<Dialogs, "confirm">): EditorController {
  const api = useApi();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(tabsReducer, noTabs);
  const current = useRef(state);
  current.current = state;
  const [sessions] = useState(
    () => new EditorSessions((path, isDirty) => dispatch({ type: "dirty", path, isDirty }), look),
  );
  const reloading = useRef(new Set<string>());

  useEffect(
    () => sessions.setLook({ isDark: look.isDark, fontSizePx: look.fontSizePx, keyBindings: look.keyBindings }),
    [sessions, look.isDark, look.fontSizePx, look.keyBindings],
  );

  const activeTab = state.tabs.find((tab) => tab.path === state.activePath) ?? null;
  const shownPath = activeTab?.view === "text" ? activeTab.path : null;
  useEffect(() => sessions.show(shownPath), [sessions, shownPath]);

  const tabOf = useCallback((path: string) => current.current.tabs.find((tab) => tab.path === path), []);

  /** The file's entry in its folder's listing read again now: the modification time to check a later save against. */
  const freshEntry = useCallback(
    async (path: string) => {
      const key = queryKeys.siteFolder(siteName, parentPath(path));
      await queryClient.refetchQueries({ queryKey: key, exact: true });
      return entryIn(queryClient.getQueryData<InfiniteData<DirectoryListing>>(key), path);
    },
    [queryClient, siteName],
  );

  /** Reads a tab's file into the editor. The time it is checked against was read before the bytes, never after. */
  const load = useCallback(
    async (path: string, sizeBytes: number) => {
      if (openModeForSize(sizeBytes) === "tooLarge") {
        dispatch({ type: "loaded", path, view: "tooLarge", isReadOnly: true });
        return;
      }
      try {
        const bytes = new Uint8Array(await api.files.readBytes(siteName, path));
        if (bytes.byteLength > maxOpenBytes) {
          dispatch({ type: "loaded", path, view: "tooLarge", isReadOnly: true });
          return;
        }
        const decoded = decodeFile(bytes);
        if (decoded.kind === "binary") {
          dispatch({ type: "loaded", path, view: "binary", isReadOnly: true });
          return;
        }
        const isReadOnly = openModeForSize(bytes.byteLength) === "readOnly";
        sessions.open(path, decoded.text, { isReadOnly, lineSeparator: decoded.lineSeparator });
        dispatch({ type: "loaded", path, view: "text", isReadOnly });
        const choice = languageForFile(baseName(path));
        if (choice) {
          // A language that fails to load (the network dropped) leaves the file as plain text, still editable.
          void loadLanguage(choice).then(
            (extension) => sessions.setLanguage(path, extension),
            () => undefined,
          );
        }
      } catch (error) {
        dispatch({ type: "failed", path, message: messageOf(error) });
      }
    },
    [api, sessions, siteName],
  );

  const open = useCallback(
    (target: TreeTarget) => {
      const isOpen = tabOf(target.path) !== undefined;
      dispatch({ type: "open", path: target.path, entry: target.entry });
      if (!isOpen) void load(target.path, target.entry.sizeBytes);
    },
    [load, tabOf],
  );

  const retry = useCallback(
    (path: string) => {
      const tab = tabOf(path);
      if (!tab) return;
      dispatch({ type: "reading", path });
      void load(path, tab.sizeBytes);
    },
    [load, tabOf],
  );

  const close = useCallback(
    async (path: string) => {
      const tab = tabOf(path);
      if (!tab) return;
      if (tab.isDirty) {
        const isConfirmed = await dialogs.confirm({
          title: `Close ${baseName(path)}?`,
          message: "It has changes that are not saved. Closing it loses them.",
          okLabel: "Close without saving",
          isDanger: true,
        });
        if (!isConfirmed) return;
      }
      sessions.close(path);
      dispatch({ type: "close", path });
    },
    [dialogs, sessions, tabOf],
  );

  const save = useCallback(
    async (path: string, options: { isOverwrite?: boolean } = {}) => {
      const tab = tabOf(path);
      const snapshot = sessions.snapshot(path);
      if (!tab || !snapshot || tab.view !== "text" || tab.isReadOnly || tab.isSaving) return;
      dispatch({ type: "saving", path });
      try {
        const body = encodeText(snapshot.text);
        const saved = await api.files.save(siteName, path, body.buffer, {
          ...(tab.baseline !== null && !options.isOverwrite ? { ifModifiedAt: tab.baseline } : {}),
          ...(isExecutableMode(tab.mode) ? { mode: "755" as const } : {}),
        });
        const isDirty = sessions.markSaved(path, snapshot.doc);
        dispatch({ type: "saved", path, modifiedAt: saved?.modifiedAt ?? null, sizeBytes: body.byteLength, isDirty });
      } catch (error) {
        const isConflict = error instanceof ApiError && error.code === fileChangedCode;
        dispatch({ type: "saveFailed", path, isConflict, message: messageOf(error) });
      }
    },
    [api, sessions, siteName, tabOf],
  );

  /** Reads the file again into its tab, `modifiedAt` (read before the bytes) becoming the save's baseline. */
  const replaceFromDisk = useCallback(
    async (path: string, modifiedAt: string | null) => {
      if (reloading.current.has(path)) return;
      reloading.current.add(path);
      try {
        const bytes = new Uint8Array(await api.files.readBytes(siteName, path));
        const decoded = decodeFile(bytes);
        if (decoded.kind !== "text")
          throw new Error("The file on disk is no longer text; close the tab and open it again.");
        sessions.replaceFromDisk(path, decoded.text);
        dispatch({ type: "reloaded", path, modifiedAt, sizeBytes: bytes.byteLength });
      } catch (error) {
        dispatch({ type: "saveFailed", path, isConflict: false, message: messageOf(error) });
      } finally {
        reloading.current.delete(path);
      }
    },
    [api, sessions, siteName],
  );

  const reloadFromDisk = useCallback(
    async (path: string) => {
      const entry = await freshEntry(path).catch(() => null);
      await replaceFromDisk(path, entry?.modifiedAt ?? null);
    },
    [freshEntry, replaceFromDisk],
  );

  // Every listing the tree reads says when its files changed: an open file without edits that changed on disk (the
  // terminal, another person) is read again; one with edits is marked, and its save will ask what to do.
  useEffect(() => {
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== "updated" || event.action.type !== "success") return;
      const [site, name, files, folder] = event.query.queryKey;
      if (site !== "site" || name !== siteName || files !== "files" || typeof folder !== "string") return;
      const listing = event.query.state.data as InfiniteData<DirectoryListing> | undefined;
      const entries = listing?.pages.flatMap((page) => page.entries) ?? [];
      dispatch({ type: "diskState", folder, entries });
      for (const tab of tabsToReload(current.current.tabs, folder, entries)) {
        void replaceFromDisk(tab.path, entryIn(listing, tab.path)?.modifiedAt ?? null);
      }
    });
  }, [queryClient, siteName, replaceFromDisk]);

  const followMove = useCallback(
    (from: string, to: string) => {
      for (const tab of current.current.tabs) sessions.rename(tab.path, movedPath(tab.path, from, to));
      dispatch({ type: "moved", from, to });
    },
    [sessions],
  );

  const followRemoval = useCallback(
    (path: string) => {
      for (const tab of current.current.tabs) {
        if (isSameOrInside(tab.path, path) && !tab.isDirty) sessions.close(tab.path);
      }
      dispatch({ type: "removed", path });
    },
    [sessions],
  );

  const mountEditor = useCallback(
    (parent: HTMLElement) => {
      sessions.mount(parent);
      return () => sessions.unmount();
    },
    [sessions],
  );

  const hasUnsavedChanges = state.tabs.some((tab) => tab.isDirty);
  // Leaving the page (reload, closing the browser tab) with unsaved edits asks first (the browser's own question).
  useEffect(() => {
    if (!hasUnsavedChanges) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [hasUnsavedChanges]);

  return useMemo(
    () => ({
      state,
      activeTab,
      hasUnsavedChanges,
      mountEditor,
      open,
      activate: (path: string) => dispatch({ type: "activate", path }),
      close,
      save,
      saveActive: () => {
        if (current.current.activePath !== null) void save(current.current.activePath);
      },
      reloadFromDisk,
      retry,
      followMove,
      followRemoval,
    }),
    [
      state,
      activeTab,
      hasUnsavedChanges,
      mountEditor,
      open,
      close,
      save,
      reloadFromDisk,
      retry,
      followMove,
      followRemoval,
    ],
  );
}
