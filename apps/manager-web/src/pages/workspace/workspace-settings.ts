/**
 * The workspace's layout and settings, remembered per site in the browser (localStorage): each field is read on its
 * own and falls back to its default, so a stored value from an older version or a hand edit never breaks the page.
 */
import { maxWatchedFolders } from "@director/contracts/manager-workspace";

export type WorkspaceTheme = "light" | "dark";
/** The editor's key bindings: CodeMirror's own, or Vim's or Emacs's. */
export const keyBindingKinds = ["default", "vim", "emacs"] as const;
export type KeyBindings = (typeof keyBindingKinds)[number];

export interface WorkspaceSettings {
  theme: WorkspaceTheme;
  /** the editor's and the terminal's font size */
  fontSizePx: number;
  keyBindings: KeyBindings;
  isShowingHiddenFiles: boolean;
  isTreeCollapsed: boolean;
  treeWidthPx: number;
  isBottomPanelOpen: boolean;
  bottomPanelHeightPx: number;
  /** folders open in the file tree */
  expandedFolders: string[];
}

export const fontSizeBounds = { min: 10, max: 28 } as const;
export const treeWidthBounds = { min: 160, max: 640 } as const;
export const bottomPanelHeightBounds = { min: 120, max: 1200 } as const;

/** The settings of a site nobody has opened here yet; the theme follows the system's. */
export function defaultSettings(prefersDark: boolean): WorkspaceSettings {
  return {
    theme: prefersDark ? "dark" : "light",
    fontSizePx: 14,
    keyBindings: "default",
    isShowingHiddenFiles: false,
    isTreeCollapsed: false,
    treeWidthPx: 260,
    isBottomPanelOpen: true,
    bottomPanelHeightPx: 260,
    expandedFolders: ["public"],
  };
}

/** The localStorage key of a site's settings. */
export function settingsKey(siteName: string): string {
  return `director.workspace.${siteName}`;
}

/** `value` when it is a whole number, clamped to `bounds`; `fallback` when it is anything else. */
export function clampNumber(value: unknown, bounds: { min: number; max: number }, fallback: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fallback;
  return Math.min(bounds.max, Math.max(bounds.min, Math.round(value)));
}

const booleanOr = (value: unknown, fallback: boolean) => (typeof value === "boolean" ? value : fallback);

/** The settings stored as `text` (null: none), each unreadable field replaced by its default. */
export function parseSettings(text: string | null, prefersDark: boolean): WorkspaceSettings {
  const defaults = defaultSettings(prefersDark);
  let stored: Record<string, unknown> = {};
  try {
    const parsed: unknown = text === null ? {} : JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      stored = parsed as Record<string, unknown>;
  } catch {
    return defaults; // not JSON: written by something else, start afresh
  }
  const folders = Array.isArray(stored.expandedFolders)
    ? stored.expandedFolders.filter((folder): folder is string => typeof folder === "string" && folder !== "")
    : defaults.expandedFolders;
  return {
    theme: stored.theme === "light" || stored.theme === "dark" ? stored.theme : defaults.theme,
    fontSizePx: clampNumber(stored.fontSizePx, fontSizeBounds, defaults.fontSizePx),
    keyBindings: keyBindingKinds.find((kind) => kind === stored.keyBindings) ?? defaults.keyBindings,
    isShowingHiddenFiles: booleanOr(stored.isShowingHiddenFiles, defaults.isShowingHiddenFiles),
    isTreeCollapsed: booleanOr(stored.isTreeCollapsed, defaults.isTreeCollapsed),
    treeWidthPx: clampNumber(stored.treeWidthPx, treeWidthBounds, defaults.treeWidthPx),
    isBottomPanelOpen: booleanOr(stored.isBottomPanelOpen, defaults.isBottomPanelOpen),
    bottomPanelHeightPx: clampNumber(stored.bottomPanelHeightPx, bottomPanelHeightBounds, defaults.bottomPanelHeightPx),
    expandedFolders: [...new Set(folders)].slice(0, maxWatchedFolders),
  };
}

/** The text stored for `settings`. */
export function serializeSettings(settings: WorkspaceSettings): string {
  return JSON.stringify(settings);
}
