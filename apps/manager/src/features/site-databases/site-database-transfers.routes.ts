import { siteDatabaseTransferRoutes } from "@director/contracts/manager-routes-site-database-transfers";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import { acceptStreamedBodies } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { sendDownload } from "../../http/send-download.js";
import type { SiteDatabaseTransfersService } from "./site-database-transfers.service.js";

/**
 * GET /api/sites/:name/database/export (a download) and POST /api/sites/:name/database/import (the dump as the raw
 * body, read as it arrives). Registered in a scope of their own, whose parser leaves every body unread.
 */
export async function registerSiteDatabaseTransferRoutes(
  app: FastifyInstance,
  deps: { transfers: SiteDatabaseTransfersService },
): Promise<void> {
  const { transfers } = deps;
  await app.register(async (scope) => {
    acceptStreamedBodies(scope);

    registerApiRoute(scope, siteDatabaseTransferRoutes.export, async ({ actor, params, reply }) => {
      // The dump has started (its login passed) before the answer does: a refusal is still an ordinary JSON answer.
      const clientGone = signalWhenClientGoes(reply.raw);
      const { fileName, body } = await transfers.export(actor, params.name, clientGone);
      // a dump cut half way (the client left, the dump failed) closes the connection, and the cut file does not restore
      await sendDownload(reply, {
        fileName,
        contentType: fileName.endsWith(".sql") ? "application/sql" : "application/octet-stream",
        body,
      });
    });

    registerApiRoute(scope, siteDatabaseTransferRoutes.import, async ({ actor, params, body, request, reply }) => {
      const length = request.headers["content-length"];
      const declared = length === undefined ? null : Number(length);
      try {
        return await transfers.import(
          actor,
          params.name,
          body,
          Number.isFinite(declared) ? declared : null,
          signalWhenClientGoes(reply.raw),
        );
      } catch (error) {
        // Refused before the whole body was read (too large, not a member): the rest is not read, so the
        // connection closes after the answer instead of waiting for it.
        if (!request.raw.readableEnded) reply.header("connection", "close");
        throw error;
      }
    });
  });
}
