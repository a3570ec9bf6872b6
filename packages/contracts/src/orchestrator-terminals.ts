/**
 * The orchestrator's terminal route: a WebSocket per shell in a site's terminal environment. The manager opens it for
 * the web terminal (and the shell server for SSH), after checking the person's right to the site.
 *
 * - The caller's first text frame is a `TerminalOpenRequest` (what the site's process runs with, and the size).
 * - The orchestrator answers `{"type":"status","state":"starting"}`, prepares the environment, starts the shell and
 *   says `{"type":"status","state":"ready"}`; from then binary frames both ways are the terminal's bytes, and text
 *   frames from the caller are `{"type":"resize",cols,rows}`.
 * - When the shell ends: `{"type":"exit","code":N}` then close 1000. A failure: `{"type":"error",code,message}` then
 *   close 4500. The caller closing the socket hangs up the shell.
 * The messages are the browser's (manager-workspace.ts), so that the manager passes them on unchanged.
 */
import { z } from "zod";
import { siteIdParamsSchema } from "./internal-values.js";
import { terminalSizeBounds } from "./manager-workspace.js";
import { siteServiceRequestSchema } from "./orchestrator-services.js";
import { route } from "./route.js";

export const terminalColsSchema = z.coerce
  .number()
  .int()
  .min(terminalSizeBounds.cols.min)
  .max(terminalSizeBounds.cols.max);
export const terminalRowsSchema = z.coerce
  .number()
  .int()
  .min(terminalSizeBounds.rows.min)
  .max(terminalSizeBounds.rows.max);

/** The longest command `ssh host 'command'` may run (OpenSSH's own limit on a command line is larger; 64 KiB is plenty). */
export const maxTerminalCommandBytes = 64 * 1024;

/**
 * What a terminal socket runs: the site's login shell (the web terminal, `ssh` with no command), one command through
 * the site's `sh -c` (`ssh host 'command'`), or OpenSSH's sftp-server confined to the site (sftp and scp).
 */
export const terminalProgramSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("shell") }).strict(),
  z
    .object({
      kind: z.literal("command"),
      command: z
        .string()
        .min(1)
        .refine((value) => new TextEncoder().encode(value).length <= maxTerminalCommandBytes && !value.includes("\0"), {
          message: "a command is at most 64 KiB and has no NUL",
        }),
    })
    .strict(),
  z.object({ kind: z.literal("sftp") }).strict(),
]);
export type TerminalProgram = z.infer<typeof terminalProgramSchema>;

/** Bytes from a program without a terminal begin with the stream they came from. */
export const terminalStreamIds = { stdout: 1, stderr: 2 } as const;

/**
 * The first message: the site's process settings (as for its service, without isEnabled), the terminal size, what
 * to run (default the login shell) and whether with a terminal (default true; sftp never has one). Without a terminal
 * the output's binary frames start with a `terminalStreamIds` byte, and the caller ends the input with `eof`.
 */
export const terminalOpenRequestSchema = z
  .object({
    type: z.literal("open"),
    cols: terminalColsSchema,
    rows: terminalRowsSchema,
    service: siteServiceRequestSchema.omit({ isEnabled: true }),
    program: terminalProgramSchema.default({ kind: "shell" }),
    hasTty: z.boolean().default(true),
  })
  .strict()
  .refine((request) => request.program?.kind !== "sftp" || !request.hasTty, {
    message: "sftp runs without a terminal (hasTty: false)",
    path: ["hasTty"],
  });
export type TerminalOpenRequest = z.input<typeof terminalOpenRequestSchema>;

/**
 * Caller → orchestrator text frames after the open request (and browser → manager: the same plus ping). `eof` ends
 * the program's input (`ssh host 'wc -c' < file`), as closing a pipe does.
 */
export const terminalControlMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resize"), cols: terminalColsSchema, rows: terminalRowsSchema }).strict(),
  z.object({ type: z.literal("ping") }).strict(),
  z.object({ type: z.literal("eof") }).strict(),
]);

/** Orchestrator → caller text frames (the browser's TerminalServerMessage). */
export const terminalServerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("status"), state: z.enum(["starting", "ready"]) }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("exit"), code: z.number().int().nullable() }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);

export const openTerminalRoute = route({
  method: "GET",
  path: "/internal/v1/sites/:id/terminal",
  caller: "internal",
  params: siteIdParamsSchema,
  answerKind: "stream",
  summary:
    "a shell in the site's terminal environment (its image, /site, account, limits, variables), as a WebSocket; the first message says how the site's process runs",
});
