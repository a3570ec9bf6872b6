/** The workspace's keyboard shortcuts, wherever the focus is (the editor and the terminal let them through). */

export type WorkspaceShortcut = "save" | "newTerminal" | "restart";

/** The shortcut a key press is, or null. Ctrl+S (⌘S on a Mac) saves, Alt+T opens a terminal, Alt+Enter restarts. */
export function shortcutOf(
  event: Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">,
): WorkspaceShortcut | null {
  const isMod = event.ctrlKey || event.metaKey;
  if (isMod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "s") return "save";
  // By `code`: on a Mac, Alt (Option) turns T into † and Enter stays Enter.
  if (event.altKey && !isMod && !event.shiftKey && event.code === "KeyT") return "newTerminal";
  if (event.altKey && !isMod && !event.shiftKey && event.key === "Enter") return "restart";
  return null;
}
