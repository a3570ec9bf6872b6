import { siteFileParamsSchema } from "@director/contracts/manager-params";
import { directoryPageQuerySchema } from "@director/contracts/orchestrator-files";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import type { FilesService } from "./files.service.js";

/** `?mode=755` makes the file executable (a run.sh); only 644 and 755 are offered. */
const writeQuerySchema = z.object({ mode: z.enum(["644", "755"]).optional() });

function target(request: FastifyRequest) {
  const params = siteFileParamsSchema.parse(request.params);
  return { siteName: params.name, path: params["*"] };
}

/**
 * GET/PUT/DELETE /api/sites/:name/files/<path>. GET of a directory answers one page of its listing (`?limit=&after=`,
 * passed on to the orchestrator). PUT takes the raw bytes (`curl -T file URL`).
 * Files come back as attachments with nosniff: a student's HTML must never run on the manager's origin.
 */
export function registerFileRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; files: FilesService; maxUploadBytes: number },
): void {
  const { auth, files } = deps;

  const read = async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = await authenticate(auth, request);
    const { siteName, path } = target(request);
    const page = directoryPageQuerySchema.parse(request.query);
    const result = await files.read(actor, siteName, path, page);
    if (result.kind === "directory") return result.listing;
    return reply
      .header("content-type", "application/octet-stream")
      .header("content-disposition", "attachment")
      .header("x-content-type-options", "nosniff")
      .send(result.body);
  };
  app.get("/api/sites/:name/files", read);
  app.get("/api/sites/:name/files/*", read);

  app.put("/api/sites/:name/files/*", { bodyLimit: deps.maxUploadBytes }, async (request) => {
    const actor = await authenticate(auth, request);
    const { siteName, path } = target(request);
    const { mode } = writeQuerySchema.parse(request.query);
    const body = Buffer.isBuffer(request.body)
      ? request.body
      : Buffer.from(typeof request.body === "string" ? request.body : "");
    return files.write(actor, siteName, path, body, mode);
  });

  app.delete("/api/sites/:name/files/*", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { siteName, path } = target(request);
    await files.remove(actor, siteName, path);
    return reply.status(204).send();
  });
}
