/**
 * xterm.js behind one function: a terminal in a container, sized to it. Loaded only when a terminal opens (the
 * terminal view imports this module dynamically), so xterm and its stylesheet are a chunk of their own.
 */
import { FitAddon } from "@xterm/addon-fit";
import { type ITheme, Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";

declare global {
  interface Window {
    /** the open terminals, for browser tests to read their buffers (xterm's public API only) */
    __directorTerminals?: Terminal[];
  }
}

export interface XtermLook {
  isDark: boolean;
  fontSizePx: number;
}

const themes: Record<"dark" | "light", ITheme> = {
  dark: { background: "#0d1117", foreground: "#e6edf3", cursor: "#e6edf3", selectionBackground: "#264f78" },
  light: {
    background: "#ffffff",
    foreground: "#1b1f24",
    cursor: "#1b1f24",
    cursorAccent: "#ffffff",
    selectionBackground: "#b6d4fe",
  },
};

export interface Xterm {
  terminal: Terminal;
  /** sizes the terminal to its container (nothing when the container is hidden) */
  fit(): void;
  setLook(look: XtermLook): void;
  dispose(): void;
}

/**
 * Opens a terminal in `container`. `isPassedThrough` names the key presses the page handles itself (its shortcuts):
 * xterm leaves them alone and they reach the page's listeners.
 */
export function openXterm(
  container: HTMLElement,
  look: XtermLook,
  isPassedThrough: (event: KeyboardEvent) => boolean,
): Xterm {
  const terminal = new Terminal({
    fontSize: look.fontSizePx,
    fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
    theme: themes[look.isDark ? "dark" : "light"],
    cursorBlink: true,
    scrollback: 5000,
  });
  const fitAddon = new FitAddon();
  terminal.loadAddon(fitAddon);
  terminal.attachCustomKeyEventHandler((event) => !isPassedThrough(event));
  terminal.open(container);
  window.__directorTerminals = [...(window.__directorTerminals ?? []), terminal];
  const fit = () => {
    if (container.offsetWidth > 0 && container.offsetHeight > 0) fitAddon.fit();
  };
  fit();
  return {
    terminal,
    fit,
    setLook: (next) => {
      terminal.options.fontSize = next.fontSizePx;
      terminal.options.theme = themes[next.isDark ? "dark" : "light"];
      fit();
    },
    dispose: () => {
      window.__directorTerminals = (window.__directorTerminals ?? []).filter((open) => open !== terminal);
      terminal.dispose();
    },
  };
}
