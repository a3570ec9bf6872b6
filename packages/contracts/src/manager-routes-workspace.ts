/**
 * The workspace's live routes (their protocols: manager-workspace.ts): a terminal in the site's environment, and the
 * changes in the folders a page shows.
 */
import { z } from "zod";
import { siteParamsSchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { maxWatchedFolders } from "./manager-workspace.js";
import { terminalColsSchema, terminalRowsSchema } from "./orchestrator-terminals.js";
import { route } from "./route.js";
import { text } from "./text.js";

const { workspace } = managerPaths;

/** `?cols=&rows=`: the terminal's size when it opens (80×24 when left out). */
export const terminalQuerySchema = z.object({
  cols: terminalColsSchema.default(80),
  rows: terminalRowsSchema.default(24),
});

/** `?folder=public&folder=`: the folders to watch, relative to the site ("" is the site itself). */
export const fileEventsQuerySchema = z.object({
  folder: z
    .union([text().max(4096), z.array(text().max(4096))])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(z.array(z.string()).max(maxWatchedFolders))
    .default([""]),
});

export const workspaceRoutes = {
  terminal: route({
    ...workspace.terminal,
    caller: "person",
    summary:
      "a shell in the site's own environment (WebSocket; members who may edit the site's files; closes when access is lost)",
    params: siteParamsSchema,
    query: terminalQuerySchema,
    answerKind: "stream",
  }),
  fileEvents: route({
    ...workspace.fileEvents,
    caller: "person",
    summary: "changes in the given folders of the site, as Server-Sent Events (limited per account and in all)",
    params: siteParamsSchema,
    query: fileEventsQuerySchema,
    answerKind: "stream",
  }),
};
