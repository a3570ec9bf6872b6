/**
 * The editor's open files as a reducer: which tabs are open and active, and what each knows of its file (how it
 * opened, unsaved edits, the modification time a save checks against, a refused save). The text itself lives in
 * the editor (editor-sessions.ts); this is what the tab strip and the toolbar show.
 */
import type { FileEntry } from "../../api/types";
import { joinPath, parentPath } from "../../lib/format";
import { baseName, isSameOrInside, movedPath } from "./workspace-paths";

export interface EditorTab {
  path: string;
  /** what the tab shows: the file being read, its text, or why it is not in the editor */
  view: "loading" | "text" | "binary" | "tooLarge" | "failed";
  isReadOnly: boolean;
  isDirty: boolean;
  isSaving: boolean;
  /** the file's modification time when read or last saved, sent as the save's `ifModifiedAt`; null: unknown */
  baseline: string | null;
  /** mode bits from the listing: an executable file stays executable when saved */
  mode: number;
  sizeBytes: number;
  /** the last save was refused because the file changed on disk since it was read */
  hasConflict: boolean;
  /** the file changed on disk while the tab had unsaved edits */
  isChangedOnDisk: boolean;
  /** why the file could not be read, or the last save failed */
  error: string | null;
}

export interface TabsState {
  tabs: EditorTab[];
  activePath: string | null;
}

export type TabsAction =
  | { type: "open"; path: string; entry: Pick<FileEntry, "mode" | "sizeBytes" | "modifiedAt"> }
  | { type: "loaded"; path: string; view: "text" | "binary" | "tooLarge"; isReadOnly: boolean }
  | { type: "failed"; path: string; message: string }
  /** read again after a failure */
  | { type: "reading"; path: string }
  | { type: "activate"; path: string }
  | { type: "close"; path: string }
  | { type: "dirty"; path: string; isDirty: boolean }
  | { type: "saving"; path: string }
  | { type: "saved"; path: string; modifiedAt: string | null; sizeBytes: number; isDirty: boolean }
  | { type: "saveFailed"; path: string; message: string; isConflict: boolean }
  | { type: "reloaded"; path: string; modifiedAt: string | null; sizeBytes: number }
  | { type: "moved"; from: string; to: string }
  | { type: "removed"; path: string }
  | { type: "diskState"; folder: string; entries: readonly FileEntry[] };

export const noTabs: TabsState = { tabs: [], activePath: null };

const update = (state: TabsState, path: string, change: (tab: EditorTab) => EditorTab): TabsState => ({
  ...state,
  tabs: state.tabs.map((tab) => (tab.path === path ? change(tab) : tab)),
});

/** The state after closing the tab at `path`: the tab to its right becomes active, or the one to its left. */
function withoutTab(state: TabsState, path: string): TabsState {
  const index = state.tabs.findIndex((tab) => tab.path === path);
  if (index < 0) return state;
  const tabs = state.tabs.filter((tab) => tab.path !== path);
  if (state.activePath !== path) return { ...state, tabs };
  const next = tabs[index] ?? tabs[index - 1] ?? null;
  return { tabs, activePath: next?.path ?? null };
}

export function tabsReducer(state: TabsState, action: TabsAction): TabsState {
  switch (action.type) {
    case "open": {
      if (state.tabs.some((tab) => tab.path === action.path)) return { ...state, activePath: action.path };
      const tab: EditorTab = {
        path: action.path,
        view: "loading",
        isReadOnly: false,
        isDirty: false,
        isSaving: false,
        baseline: action.entry.modifiedAt || null,
        mode: action.entry.mode,
        sizeBytes: action.entry.sizeBytes,
        hasConflict: false,
        isChangedOnDisk: false,
        error: null,
      };
      return { tabs: [...state.tabs, tab], activePath: action.path };
    }
    case "loaded":
      return update(state, action.path, (tab) => ({ ...tab, view: action.view, isReadOnly: action.isReadOnly }));
    case "failed":
      return update(state, action.path, (tab) => ({ ...tab, view: "failed", error: action.message }));
    case "reading":
      return update(state, action.path, (tab) => ({ ...tab, view: "loading", error: null }));
    case "activate":
      return state.tabs.some((tab) => tab.path === action.path) ? { ...state, activePath: action.path } : state;
    case "close":
      return withoutTab(state, action.path);
    case "dirty":
      return update(state, action.path, (tab) =>
        tab.isDirty === action.isDirty ? tab : { ...tab, isDirty: action.isDirty },
      );
    case "saving":
      return update(state, action.path, (tab) => ({ ...tab, isSaving: true, error: null }));
    case "saved":
      return update(state, action.path, (tab) => ({
        ...tab,
        isSaving: false,
        isDirty: action.isDirty,
        baseline: action.modifiedAt,
        sizeBytes: action.sizeBytes,
        hasConflict: false,
        isChangedOnDisk: false,
        error: null,
      }));
    case "saveFailed":
      return update(state, action.path, (tab) => ({
        ...tab,
        isSaving: false,
        hasConflict: action.isConflict,
        error: action.message,
      }));
    case "reloaded":
      return update(state, action.path, (tab) => ({
        ...tab,
        isDirty: false,
        baseline: action.modifiedAt,
        sizeBytes: action.sizeBytes,
        hasConflict: false,
        isChangedOnDisk: false,
        error: null,
      }));
    case "moved":
      return {
        tabs: state.tabs.map((tab) => ({ ...tab, path: movedPath(tab.path, action.from, action.to) })),
        activePath: state.activePath === null ? null : movedPath(state.activePath, action.from, action.to),
      };
    case "removed": {
      // Tabs with unsaved edits stay: saving them writes the file again, without a check against a file now gone.
      let next = state;
      for (const tab of state.tabs) {
        if (!isSameOrInside(tab.path, action.path)) continue;
        next = tab.isDirty
          ? update(next, tab.path, (kept) => ({ ...kept, baseline: null }))
          : withoutTab(next, tab.path);
      }
      return next;
    }
    case "diskState": {
      const byPath = new Map(action.entries.map((entry) => [joinPath(action.folder, entry.name), entry]));
      return {
        ...state,
        tabs: state.tabs.map((tab) => {
          const entry = parentPath(tab.path) === action.folder ? byPath.get(tab.path) : undefined;
          if (!entry) return tab;
          const isChangedOnDisk = tab.isChangedOnDisk || (tab.isDirty && isNewerOnDisk(tab, entry));
          return entry.mode === tab.mode && isChangedOnDisk === tab.isChangedOnDisk
            ? tab
            : { ...tab, mode: entry.mode, isChangedOnDisk };
        }),
      };
    }
  }
}

/** Whether the listing shows the file modified after the tab's baseline (not merely at another time: a listing read before a save must not undo it). */
export function isNewerOnDisk(
  tab: Pick<EditorTab, "baseline" | "isSaving">,
  entry: Pick<FileEntry, "modifiedAt">,
): boolean {
  if (tab.baseline === null || tab.isSaving) return false;
  return Date.parse(entry.modifiedAt) > Date.parse(tab.baseline);
}

/**
 * The open tabs without unsaved edits whose file a listing of `folder` shows changed since they read it (a command
 * in the terminal, another person): they are read again.
 */
export function tabsToReload(tabs: readonly EditorTab[], folder: string, entries: readonly FileEntry[]): EditorTab[] {
  const byPath = new Map(entries.map((entry) => [joinPath(folder, entry.name), entry]));
  return tabs.filter((tab) => {
    const entry = byPath.get(tab.path);
    return tab.view === "text" && !tab.isDirty && entry !== undefined && isNewerOnDisk(tab, entry);
  });
}

/** Each tab's label: the file's name, with its folder beside it when two open files share a name. */
export function tabLabels(paths: readonly string[]): Map<string, { name: string; folder: string | null }> {
  const counts = new Map<string, number>();
  for (const path of paths) counts.set(baseName(path), (counts.get(baseName(path)) ?? 0) + 1);
  return new Map(
    paths.map((path) => {
      const name = baseName(path);
      const isShared = (counts.get(name) ?? 0) > 1;
      return [path, { name, folder: isShared ? parentPath(path) || "/" : null }];
    }),
  );
}
