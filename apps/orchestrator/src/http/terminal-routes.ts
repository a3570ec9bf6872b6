import { orchestratorApi } from "@director/contracts/orchestrator-api";
import {
  terminalControlMessageSchema,
  terminalOpenRequestSchema,
  type terminalServerMessageSchema,
  terminalStreamIds,
} from "@director/contracts/orchestrator-terminals";
import { isDirectorError } from "@director/domain/errors";
import { parseSiteId } from "@director/domain/site";
import { parseJsonFrame, rawDataToBuffer } from "@director/http-kit/ws-data";
import type {} from "@fastify/websocket"; // the `websocket: true` route option and handler types
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { RawData, WebSocket } from "ws";
import type { z } from "zod";
import type { SiteTerminals, TerminalOutput, TerminalSession } from "../core/site-terminals.js";

type ServerMessage = z.input<typeof terminalServerMessageSchema>;

/** The open request must come this soon after the upgrade. */
const openRequestTimeoutMs = 10_000;
/** Output waiting to be sent past this pauses the program's output (a slow caller must not fill our memory). */
const maxBufferedBytes = 1024 * 1024;
/** 1008: policy violation, 1000: normal (RFC 6455 §7.4.1); 4500: the terminal failed (contracts). */
const closeCodes = { normal: 1000, policy: 1008, failed: 4500 } as const;

/**
 * GET /internal/v1/sites/:id/terminal (contracts/orchestrator-terminals.ts): one program (the shell, a command, sftp)
 * per WebSocket. The internal
 * token was checked on the upgrade request (http-kit `requireDeclaredCallers`). `terminals` null: no Docker engine,
 * the socket says DOCKER_UNAVAILABLE and closes.
 */
export function registerTerminalRoutes(
  app: FastifyInstance,
  deps: { terminals: SiteTerminals | null; refusal: Error | null; log: Logger },
): void {
  const target = orchestratorApi.openTerminal;
  // The WebSocket plugin is the internal app's (http-kit buildInternalApp), registered but loaded only once the app
  // starts: a route of its kind must be declared in a plugin that loads after it.
  void app.register(async (scope) => {
    scope.get(target.path, { websocket: true, config: { caller: target.caller } }, (socket, request) => {
      const { id } = request.params as { id: string };
      void relay(socket, id, deps);
    });
  });
}

async function relay(
  socket: WebSocket,
  rawId: string,
  deps: { terminals: SiteTerminals | null; refusal: Error | null; log: Logger },
): Promise<void> {
  const send = (message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const fail = (code: string, message: string) => {
    send({ type: "error", code, message });
    socket.close(closeCodes.failed, code);
  };
  let session: TerminalSession | null = null;
  let isClosed = false;
  socket.on("close", () => {
    isClosed = true;
    void session?.end();
  });
  // Messages that come while the program starts wait for it (keystrokes typed at once are not lost).
  const early: Array<{ data: RawData; isBinary: boolean }> = [];
  let onMessage: (data: RawData, isBinary: boolean) => void = (data, isBinary) => early.push({ data, isBinary });
  socket.on("message", (data, isBinary) => onMessage(data, isBinary));

  const first = await nextMessage(socket, early, openRequestTimeoutMs);
  if (first === null) {
    if (!isClosed) socket.close(closeCodes.policy, "no open request");
    return;
  }
  const parsed = first.isBinary ? null : parseJsonFrame(terminalOpenRequestSchema, first.data.toString());
  if (parsed === null) {
    fail("VALIDATION_FAILED", "The terminal's first message must be its open request (contracts).");
    return;
  }
  if (deps.terminals === null) {
    const reason = deps.refusal?.message ?? "Terminals are unavailable: the orchestrator has no Docker engine.";
    fail(isDirectorError(deps.refusal) ? deps.refusal.code : "DOCKER_UNAVAILABLE", reason);
    return;
  }
  send({ type: "status", state: "starting" });
  try {
    const siteId = parseSiteId(rawId);
    const { cols, rows, service, program, hasTty } = parsed;
    session = await deps.terminals.open(siteId, service, { program, hasTty, size: { cols, rows } });
  } catch (error) {
    deps.log.warn({ err: error, siteId: rawId }, "a terminal could not start");
    if (isDirectorError(error)) fail(error.code, error.message);
    else fail("TERMINAL_FAILED", "The terminal could not start; try again, or tell an administrator.");
    return;
  }
  if (isClosed) {
    await session.end();
    return;
  }
  const opened = session;
  send({ type: "status", state: "ready" });
  const handle = (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      opened.write(rawDataToBuffer(data));
      return;
    }
    const control = parseJsonFrame(terminalControlMessageSchema, data.toString());
    if (control === null) {
      fail("VALIDATION_FAILED", "A terminal control message must be a resize, a ping or an eof.");
      return;
    }
    if (control.type === "ping") send({ type: "pong" });
    else if (control.type === "eof") opened.closeInput();
    else opened.resize(control).catch(() => undefined); // a program ending meanwhile has no size
  };
  for (const message of early.splice(0)) handle(message.data, message.isBinary);
  onMessage = handle;
  try {
    for await (const chunk of opened.output) {
      if (isClosed) break;
      socket.send(frameOf(chunk), { binary: true });
      // Back-pressure: wait for the socket to drain before reading more of the program's output.
      while (socket.bufferedAmount > maxBufferedBytes && !isClosed) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } catch {
    // The engine's connection broke: the program is ended below like any other.
  }
  if (isClosed) return;
  const code = await opened.exitCode();
  await opened.end();
  send({ type: "exit", code });
  socket.close(closeCodes.normal, "exited");
}

/** A binary frame: a terminal's bytes as they are; without a terminal, the stream's id byte first (contracts). */
function frameOf(chunk: TerminalOutput): Buffer {
  if (chunk.stream === "terminal") return chunk.bytes;
  return Buffer.concat([Buffer.of(terminalStreamIds[chunk.stream]), chunk.bytes]);
}

/** The first message, from those already received or the next one; null on close or timeout. */
function nextMessage(
  socket: WebSocket,
  early: Array<{ data: RawData; isBinary: boolean }>,
  timeoutMs: number,
): Promise<{ data: RawData; isBinary: boolean } | null> {
  const waiting = early.shift();
  if (waiting !== undefined) return Promise.resolve(waiting);
  return new Promise((resolve) => {
    const done = (value: { data: RawData; isBinary: boolean } | null) => {
      clearTimeout(timer);
      socket.off("message", onMessage);
      socket.off("close", onClose);
      resolve(value);
    };
    const onMessage = () => done(early.shift() ?? null);
    const onClose = () => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    // Registered after the collecting listener: by the time this runs, the message is in `early`.
    socket.on("message", onMessage);
    socket.on("close", onClose);
  });
}
