import { fileRoutes } from "@director/contracts/manager-routes-sites";
import type { FastifyInstance, FastifyReply } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { FilesService } from "./files.service.js";

/**
 * GET/PUT/DELETE /api/sites/:name/files/<path>. GET of a directory answers one page of its listing (`?limit=&after=`,
 * passed on to the orchestrator). PUT takes the raw bytes (`curl -T file URL`).
 * Files come back as attachments with nosniff: a student's HTML must never run on the manager's origin.
 */
export function registerFileRoutes(app: FastifyInstance, deps: { files: FilesService; maxUploadBytes: number }): void {
  const { files } = deps;
  /** A file as an attachment, or a directory's page of entries. */
  const answerRead = async (reply: FastifyReply, result: Awaited<ReturnType<FilesService["read"]>>) => {
    if (result.kind === "directory") return reply.send(result.listing);
    return reply
      .header("content-type", "application/octet-stream")
      .header("content-disposition", "attachment")
      .header("x-content-type-options", "nosniff")
      .send(result.body);
  };

  registerApiRoute(app, fileRoutes.listTop, async ({ actor, params, query }) => {
    const result = await files.read(actor, params.name, "", query);
    if (result.kind !== "directory") throw new Error("The site directory read as a file.");
    return result.listing;
  });

  registerApiRoute(app, fileRoutes.read, async ({ actor, params, query, reply }) =>
    answerRead(reply, await files.read(actor, params.name, params["*"], query)),
  );

  registerApiRoute(
    app,
    fileRoutes.write,
    async ({ actor, params, query, body }) =>
      files.write(actor, params.name, params["*"], Buffer.isBuffer(body) ? body : Buffer.alloc(0), query.mode),
    { bodyLimit: deps.maxUploadBytes },
  );

  registerApiRoute(app, fileRoutes.remove, async ({ actor, params }) => {
    await files.remove(actor, params.name, params["*"]);
  });
}
