/**
 * One terminal tab: an xterm.js terminal (loaded on first use) over its own connection (terminal-socket.ts), sized
 * to its box, with a line over it while it starts and a Reconnect button once it has closed.
 */
import { useEffect, useRef, useState } from "react";
import { maxAutomaticReconnects, type TerminalPhase, terminalUrl } from "./terminal-protocol";
import { TerminalConnection } from "./terminal-socket";
import { shortcutOf } from "./workspace-shortcuts";
import type { Xterm, XtermLook } from "./xterm-terminal";

const encoder = new TextEncoder();

export function TerminalView(props: {
  siteName: string;
  label: string;
  isShown: boolean;
  look: XtermLook;
  onTitle(title: string): void;
  onSessionEnded(): void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const xterm = useRef<Xterm | null>(null);
  const connection = useRef<TerminalConnection | null>(null);
  const [phase, setPhase] = useState<TerminalPhase>({ state: "connecting" });
  const callbacks = useRef({ onTitle: props.onTitle, onSessionEnded: props.onSessionEnded });
  callbacks.current = { onTitle: props.onTitle, onSessionEnded: props.onSessionEnded };
  const initialLook = useRef(props.look);
  const { siteName } = props;

  useEffect(() => {
    let isCancelled = false;
    let cleanup = () => {};
    void import("./xterm-terminal").then(
      ({ openXterm }) => {
        const box = container.current;
        if (isCancelled || !box) return;
        const opened = openXterm(box, initialLook.current, (event) => shortcutOf(event) !== null);
        const { terminal } = opened;
        let connections = 0;
        const connected = new TerminalConnection(
          (size) => {
            // a new shell after a closed one: a line between their outputs
            if (connections++ > 0) terminal.write("\r\n\x1b[2m──── new session ────\x1b[0m\r\n");
            return new WebSocket(terminalUrl(window.location, siteName, size));
          },
          {
            onOutput: (bytes) => terminal.write(bytes),
            onPhase: setPhase,
            onSessionEnded: () => callbacks.current.onSessionEnded(),
          },
        );
        const subscriptions = [
          terminal.onData((data) => connected.sendInput(encoder.encode(data))),
          // binary input (some mouse reports) comes as a string of byte values
          terminal.onBinary((data) => connected.sendInput(Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff))),
          terminal.onResize(({ cols, rows }) => connected.resize({ cols, rows })),
          terminal.onTitleChange((title) => callbacks.current.onTitle(title)),
        ];
        const observer = new ResizeObserver(() => opened.fit());
        observer.observe(box);
        xterm.current = opened;
        connection.current = connected;
        connected.connect({ cols: terminal.cols, rows: terminal.rows });
        cleanup = () => {
          observer.disconnect();
          for (const subscription of subscriptions) subscription.dispose();
          connected.close();
          opened.dispose();
          xterm.current = null;
          connection.current = null;
        };
      },
      () => setPhase({ state: "ended", message: "The terminal could not be loaded. Check your connection." }),
    );
    return () => {
      isCancelled = true;
      cleanup();
    };
  }, [siteName]);

  useEffect(() => xterm.current?.setLook(props.look), [props.look]);

  useEffect(() => {
    if (!props.isShown) return;
    xterm.current?.fit();
    xterm.current?.terminal.focus();
  }, [props.isShown]);

  const reconnect = () => {
    const terminal = xterm.current?.terminal;
    if (!terminal || !connection.current) return;
    connection.current.connect({ cols: terminal.cols, rows: terminal.rows });
    terminal.focus();
  };

  return (
    <div className="terminal-view" hidden={!props.isShown}>
      <div ref={container} className="terminal-box" data-testid="terminal" title={props.label} />
      <TerminalStatus phase={phase} onReconnect={reconnect} />
    </div>
  );
}

function TerminalStatus({ phase, onReconnect }: { phase: TerminalPhase; onReconnect(): void }) {
  if (phase.state === "ready") return null;
  if (phase.state === "ended") {
    return (
      <div className="terminal-status terminal-ended" role="alert">
        <span>{phase.message}</span>
        <button type="button" className="button" onClick={onReconnect}>
          Reconnect
        </button>
      </div>
    );
  }
  const text =
    phase.state === "reconnecting"
      ? `Connection lost, reconnecting (attempt ${phase.attempt} of ${maxAutomaticReconnects})…`
      : "Starting terminal…";
  return (
    <div className="terminal-status" role="status">
      {text}
    </div>
  );
}
