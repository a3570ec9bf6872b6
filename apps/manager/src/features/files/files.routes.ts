import { fileRoutes } from "@director/contracts/manager-routes-sites";
import type { Actor } from "@director/domain/actor";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import type { FastifyInstance, FastifyReply } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { sendDownload } from "../../http/send-download.js";
import type { FilesService } from "./files.service.js";

/**
 * GET/PUT/DELETE/POST /api/sites/:name/files/<path>. GET of a directory answers one page of its listing
 * (`?limit=&after=`, passed on to the orchestrator). PUT takes the raw bytes (`curl -T file URL`). DELETE with
 * `?recursive=true` removes a folder with everything in it. POST makes a folder, moves or changes a mode.
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
      files.write(actor, params.name, params["*"], Buffer.isBuffer(body) ? body : Buffer.alloc(0), query),
    { bodyLimit: deps.maxUploadBytes },
  );

  registerApiRoute(app, fileRoutes.remove, async ({ actor, params, query }) => {
    await files.remove(actor, params.name, params["*"], { recursive: query.recursive === "true" });
  });

  /** Streams the zip once the orchestrator has planned it: a refusal (413, 404) is still an ordinary JSON answer. */
  const sendSiteZip = async (reply: FastifyReply, actor: Actor, siteName: string, path: string) => {
    const { fileName, body } = await files.zip(actor, siteName, path, signalWhenClientGoes(reply.raw));
    await sendDownload(reply, { fileName, contentType: "application/zip", body });
  };

  registerApiRoute(app, fileRoutes.zipTop, async ({ actor, params, reply }) =>
    sendSiteZip(reply, actor, params.name, ""),
  );

  registerApiRoute(app, fileRoutes.zip, async ({ actor, params, reply }) =>
    sendSiteZip(reply, actor, params.name, params["*"]),
  );
}

/**
 * POST /api/sites/:name/files/<path>: make a folder, move, change a mode. Its body is JSON, so it lives outside the
 * upload routes' scope, where every body is raw bytes.
 */
export function registerFileChangeRoute(app: FastifyInstance, deps: { files: FilesService }): void {
  const { files } = deps;
  registerApiRoute(app, fileRoutes.change, async ({ actor, params, body }) =>
    files.change(actor, params.name, params["*"], body),
  );
}
