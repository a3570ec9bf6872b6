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

/** The first message: the site's process settings (as for its service, without isEnabled) and the terminal size. */
export const terminalOpenRequestSchema = z
  .object({
    type: z.literal("open"),
    cols: terminalColsSchema,
    rows: terminalRowsSchema,
    service: siteServiceRequestSchema.omit({ isEnabled: true }),
  })
  .strict();
export type TerminalOpenRequest = z.input<typeof terminalOpenRequestSchema>;

/** Caller → orchestrator text frames after the open request (and browser → manager: the same plus ping). */
export const terminalControlMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resize"), cols: terminalColsSchema, rows: terminalRowsSchema }).strict(),
  z.object({ type: z.literal("ping") }).strict(),
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
