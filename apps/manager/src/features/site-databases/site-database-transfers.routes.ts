import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { siteDatabaseTransferRoutes } from "@director/contracts/manager-routes-site-database-transfers";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import { acceptStreamedBodies } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
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
      reply.hijack();
      reply.raw.writeHead(200, {
        "content-type": fileName.endsWith(".sql") ? "application/sql" : "application/octet-stream",
        // A name of [A-Za-z0-9._-] only: nothing in it can break out of the header's quotes.
        "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        "x-content-type-options": "nosniff",
      });
      try {
        await pipeline(Readable.from(body), reply.raw);
      } catch {
        // The client left or the dump failed half way: the connection closes, and the cut file does not restore.
        reply.raw.destroy();
      }
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
