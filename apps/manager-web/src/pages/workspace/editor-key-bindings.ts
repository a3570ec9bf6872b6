/**
 * The editor's Vim and Emacs key bindings, loaded only when someone chooses them (each is its own chunk), so that the
 * workspace stays small for everyone else.
 */
import type { Extension } from "@codemirror/state";
import type { KeyBindings } from "./workspace-settings";

export async function loadKeyBindings(kind: KeyBindings): Promise<Extension> {
  switch (kind) {
    case "vim":
      return (await import("@replit/codemirror-vim")).vim();
    case "emacs":
      return (await import("@replit/codemirror-emacs")).emacs();
    case "default":
      return [];
  }
}
