/**
 * A terminal WebSocket as a test drives it (the orchestrator's route or the manager's, contracts/manager-workspace.ts):
 * what the shell printed so far as text, the JSON messages, and waits for either. Without a TTY, `streams()` splits
 * the output by each binary frame's stream byte (contracts' terminalStreamIds).
 */
import { randomBytes } from "node:crypto";
import WebSocket from "ws";

export interface TerminalTestClient {
  readonly socket: WebSocket;
  /** everything the shell printed so far */
  output(): string;
  /** without a TTY: the bytes of each stream so far (a binary frame is its stream's id byte, then bytes) */
  streams(): { stdout: Buffer; stderr: Buffer };
  /** bytes for the program's input, as a binary frame */
  send(bytes: Buffer): void;
  /** waits until `check` answers something other than undefined (it runs again at each frame) */
  waitFor<T>(check: () => T | undefined, timeoutMs?: number, what?: string): Promise<T>;
  /** the JSON text frames received so far */
  messages(): Array<{ type: string; [key: string]: unknown }>;
  /** keystrokes, as a binary frame */
  type(text: string): void;
  /** a JSON text frame */
  control(message: object): void;
  /** waits until the output matches (after `from`, an earlier output() length); its text */
  waitForOutput(pattern: RegExp, options?: { timeoutMs?: number; from?: number }): Promise<string>;
  /** waits for a JSON message of this type (or one the function accepts) */
  waitForMessage(
    match: string | ((message: { type: string; [key: string]: unknown }) => boolean),
    timeoutMs?: number,
  ): Promise<{ type: string; [key: string]: unknown }>;
  /** runs a shell command line and answers what it printed (between markers its echoed input cannot match) */
  run(command: string, timeoutMs?: number): Promise<string>;
  /** waits for `{"type":"status","state":"ready"}` */
  waitForReady(timeoutMs?: number): Promise<unknown>;
  /** resolves with the close code and reason */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens the socket; resolves once it is open (rejects with the HTTP status of a refused upgrade). */
export async function openTerminalTestClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<TerminalTestClient> {
  const socket = new WebSocket(url, { headers });
  let text = "";
  const streams = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const messages: Array<{ type: string; [key: string]: unknown }> = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const decoder = new TextDecoder();
  socket.on("message", (data, isBinary) => {
    if (isBinary) {
      const bytes = data as Buffer;
      text += decoder.decode(bytes, { stream: true });
      if (bytes[0] === 1) streams.stdout.push(bytes.subarray(1));
      else if (bytes[0] === 2) streams.stderr.push(bytes.subarray(1));
    } else messages.push(JSON.parse(data.toString()));
    notify();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      notify();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (request, response) => {
      // ws leaves the refused request's connection open when this event has a listener: close it.
      request.destroy();
      reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode }));
    });
    socket.once("error", reject);
  });
  const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined) {
          waiters.delete(attempt);
          clearTimeout(timer);
          resolve(value);
        } else if (socket.readyState === WebSocket.CLOSED) {
          waiters.delete(attempt);
          clearTimeout(timer);
          reject(new Error(`the terminal closed before ${what}; output: ${JSON.stringify(text.slice(-500))}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(attempt);
        reject(new Error(`no ${what} within ${timeoutMs} ms; output: ${JSON.stringify(text.slice(-500))}`));
      }, timeoutMs);
      waiters.add(attempt);
      attempt();
    });
  const waitForOutput = (pattern: RegExp, options: { timeoutMs?: number; from?: number } = {}) =>
    waitUntil(
      () => {
        const seen = text.slice(options.from ?? 0);
        return pattern.test(seen) ? seen : undefined;
      },
      options.timeoutMs ?? 20_000,
      `output matching ${pattern}`,
    );
  return {
    socket,
    run: async (command, timeoutMs = 20_000) => {
      const marker = randomBytes(4).toString("hex");
      // The quotes split each marker in the echoed command line, so only the printed ones match.
      const pattern = new RegExp(`<${marker}\\r?\\n([\\s\\S]*?)${marker}>`);
      const from = text.length;
      socket.send(Buffer.from(`echo "<${marker}"; ${command}; echo "${marker}>"\n`, "utf8"), { binary: true });
      const seen = await waitForOutput(pattern, { from, timeoutMs });
      return (pattern.exec(seen)?.[1] ?? "").replace(/\r/g, "");
    },
    output: () => text,
    streams: () => ({ stdout: Buffer.concat(streams.stdout), stderr: Buffer.concat(streams.stderr) }),
    send: (bytes) => socket.send(bytes, { binary: true }),
    waitFor: (check, timeoutMs = 20_000, what = "the awaited output") => waitUntil(check, timeoutMs, what),
    messages: () => [...messages],
    type: (keys) => socket.send(Buffer.from(keys, "utf8"), { binary: true }),
    control: (message) => socket.send(JSON.stringify(message)),
    waitForOutput,
    waitForMessage: (match, timeoutMs = 30_000) => {
      const accepts = typeof match === "string" ? (message: { type: string }) => message.type === match : match;
      return waitUntil(() => messages.find(accepts), timeoutMs, `a ${String(match)} message`);
    },
    waitForReady: (timeoutMs = 60_000) =>
      waitUntil(
        () => messages.find((message) => message.type === "status" && message.state === "ready"),
        timeoutMs,
        "the ready status",
      ),
    closed,
    close: () => socket.close(),
  };
}
