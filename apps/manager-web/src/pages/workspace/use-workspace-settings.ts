/** A site's workspace settings in React state, written back to localStorage as they change. */
import { useCallback, useEffect, useState } from "react";
import { parseSettings, serializeSettings, settingsKey, type WorkspaceSettings } from "./workspace-settings";

const prefersDark = () => window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;

/** Reads storage, tolerating a browser that refuses it (private mode, storage disabled): the settings then last the visit. */
function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function useWorkspaceSettings(siteName: string): {
  settings: WorkspaceSettings;
  change: (update: Partial<WorkspaceSettings> | ((current: WorkspaceSettings) => Partial<WorkspaceSettings>)) => void;
} {
  const key = settingsKey(siteName);
  const [settings, setSettings] = useState(() => parseSettings(readStored(key), prefersDark()));
  useEffect(() => {
    try {
      window.localStorage.setItem(key, serializeSettings(settings));
    } catch {
      // storage full or refused: the settings still apply for this visit
    }
  }, [key, settings]);
  const change = useCallback(
    (update: Partial<WorkspaceSettings> | ((current: WorkspaceSettings) => Partial<WorkspaceSettings>)) =>
      setSettings((current) => ({ ...current, ...(typeof update === "function" ? update(current) : update) })),
    [],
  );
  return { settings, change };
}
