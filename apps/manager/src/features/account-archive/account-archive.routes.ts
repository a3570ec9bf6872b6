import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { accountRoutes } from "@director/contracts/manager-routes-account";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { AccountArchiveService } from "./account-archive.service.js";

/** GET /api/account/archive: the caller's sites as one zip, streamed once the orchestrator has planned every site. */
export function registerAccountArchiveRoutes(app: FastifyInstance, deps: { archive: AccountArchiveService }): void {
  registerApiRoute(app, accountRoutes.archive, async ({ actor, reply }) => {
    const clientGone = signalWhenClientGoes(reply.raw);
    const { fileName, body } = await deps.archive.archive(actor, clientGone);
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": "application/zip",
      // a name of [A-Za-z0-9._-] only: nothing in it can break out of the header's quotes
      "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "x-content-type-options": "nosniff",
    });
    try {
      await pipeline(Readable.from(body), reply.raw);
    } catch {
      reply.raw.destroy(); // cut half way: the zip is incomplete and an unzip tool says so
    }
  });
}
