/**
 * One SSH channel joined to its socket on the manager (the manager relays it to the orchestrator): the client's bytes
 * go up as binary frames; the program's output comes down, with a stream byte first when there is no terminal
 * (stdout or stderr, orchestrator-terminals.ts); control messages carry the window size, the end of input, errors and
 * the exit status, which the SSH client receives as the command's own.
 */
import { terminalServerMessageSchema, terminalStreamIds } from "@director/contracts/orchestrator-terminals";
import { parseJsonFrame, rawDataToBuffer } from "@director/http-kit/ws-data";
import type { ServerChannel } from "ssh2";
import type WebSocket from "ws";

/** Output waiting for the SSH client past this pauses the socket; input waiting for the socket pauses the channel. */
const maxBufferedBytes = 1024 * 1024;
/** The exit status when the session ended without one (lost access, a failure): what OpenSSH uses for its own. */
export const failedExitStatus = 255;

export interface BridgedChannel {
  /** a window size change (the SSH client's window-change request) */
  resize(cols: number, rows: number): void;
}

/** Bridges until either side ends; resolves when the channel has been closed with its exit status. */
export function bridgeChannel(
  channel: ServerChannel,
  socket: WebSocket,
  options: { hasTty: boolean },
): { bridged: BridgedChannel; ended: Promise<void> } {
  let exitCode: number | null = null;
  const toClient = (bytes: Buffer) => {
    let isWritten = true;
    if (options.hasTty) isWritten = channel.write(bytes);
    else if (bytes[0] === terminalStreamIds.stdout) isWritten = channel.write(bytes.subarray(1));
    else if (bytes[0] === terminalStreamIds.stderr) isWritten = channel.stderr.write(bytes.subarray(1));
    if (!isWritten && !socket.isPaused) {
      socket.pause();
      channel.once("drain", () => socket.resume());
    }
  };
  socket.on("message", (data, isBinary) => {
    if (isBinary) {
      toClient(rawDataToBuffer(data));
      return;
    }
    const message = parseJsonFrame(terminalServerMessageSchema, data.toString());
    if (message?.type === "exit") exitCode = message.code;
    if (message?.type === "error") channel.stderr.write(`${message.message}\r\n`);
  });
  channel.on("data", (data: Buffer) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(data, { binary: true });
    if (socket.bufferedAmount > maxBufferedBytes) {
      channel.pause();
      const wait = setInterval(() => {
        if (socket.readyState !== socket.OPEN || socket.bufferedAmount <= maxBufferedBytes / 2) {
          clearInterval(wait);
          channel.resume();
        }
      }, 20);
    }
  });
  // The client's end of input (`ssh host 'wc -c' < file`, an sftp client's last request) ends the program's input.
  channel.on("end", () => {
    if (!options.hasTty && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: "eof" }));
  });
  channel.on("close", () => socket.close());
  channel.resume();
  const ended = new Promise<void>((resolve) => {
    socket.on("close", () => {
      // No exit status (a failure, lost access, a broken connection): OpenSSH's own for a session that failed.
      if (!channel.destroyed) {
        channel.exit(exitCode ?? failedExitStatus);
        channel.end();
      }
      resolve();
    });
  });
  return {
    bridged: {
      resize: (cols, rows) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: "resize", cols, rows }));
      },
    },
    ended,
  };
}
