import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileRoutes } from "@director/contracts/manager-routes-sites";
import type { Actor } from "@director/domain/actor";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import type { FastifyInstance, FastifyReply } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
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
  const sendZip = async (reply: FastifyReply, actor: Actor, siteName: string, path: string) => {
    const clientGone = signalWhenClientGoes(reply.raw);
    const { fileName, body } = await files.zip(actor, siteName, path, clientGone);
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": "application/zip",
      // A name of [A-Za-z0-9._-] only: nothing in it can break out of the header's quotes.
      "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "x-content-type-options": "nosniff",
    });
    try {
      await pipeline(Readable.from(body), reply.raw);
    } catch {
      // The client left or the orchestrator's stream broke half way: the connection closes, the zip is incomplete,
      // and an unzip tool says so; nothing else can be told once the answer has started.
      reply.raw.destroy();
    }
  };

  registerApiRoute(app, fileRoutes.zipTop, async ({ actor, params, reply }) => sendZip(reply, actor, params.name, ""));

  registerApiRoute(app, fileRoutes.zip, async ({ actor, params, reply }) =>
    sendZip(reply, actor, params.name, params["*"]),
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
