import { orchestratorApi } from "@director/contracts/orchestrator-api";
import type { FolderEventLine } from "@director/contracts/orchestrator-files";
import { parseSitePath } from "@director/domain/site-path";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteFolderWatch } from "../core/ports.js";

/**
 * GET /internal/v1/sites/:id/file-events?folder=…: the watched folders' changes as NDJSON until the caller hangs up,
 * which ends the watches at once. Every folder is checked (a path inside the site) before anything is watched.
 */
export function registerFolderEventRoutes(app: FastifyInstance, deps: { watch: SiteFolderWatch }): void {
  registerRoute(app, orchestratorApi.watchFolders, async ({ params, query, reply }) => {
    const folders = query.folder.map((folder) => (folder === "" ? null : parseSitePath(folder)));
    const callerGone = signalWhenClientGoes(reply.raw);
    if (callerGone.aborted) {
      reply.hijack(); // nobody to answer: nothing is watched
      return;
    }
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
    reply.raw.flushHeaders();
    const send = (line: FolderEventLine) => {
      if (!callerGone.aborted) reply.raw.write(`${JSON.stringify(line)}\n`);
    };
    await deps.watch.watch(params.id, folders, send, callerGone);
    send({ type: "ready" });
    await new Promise<void>((resolve) => {
      if (callerGone.aborted) resolve();
      else callerGone.addEventListener("abort", () => resolve(), { once: true });
    });
    reply.raw.end();
  });
}
