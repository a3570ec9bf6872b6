import { directoryPageQuerySchema, fileQuerySchema, orchestratorApiPrefix } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { parseSitePath, type SitePath } from "@director/domain/site-path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SiteFileMode, SiteFiles } from "../core/ports.js";
import { siteIdOf } from "./site-routes.js";

function optionalPathOf(request: FastifyRequest): SitePath | null {
  const { path } = fileQuerySchema.parse(request.query);
  return path === undefined ? null : parseSitePath(path);
}

/** PUT's optional `?mode=`: 644 (the default) or 755, for a script the site's process runs (run.sh). */
const writeModeQuerySchema = z.object({ mode: z.enum(["644", "755"]).optional() });

function writeModeOf(request: FastifyRequest): SiteFileMode {
  return writeModeQuerySchema.parse(request.query).mode === "755" ? 0o755 : 0o644;
}

function pathOf(request: FastifyRequest): SitePath {
  const path = optionalPathOf(request);
  if (path === null) throw new DirectorError("PATH_INVALID", "This request needs ?path= naming a file in the site.");
  return path;
}

/**
 * GET/PUT/DELETE /sites/:id/files?path=P. GET of a directory answers one page of its listing (`&limit=N&after=NAME`,
 * contracts' directoryPageQuerySchema). PUT takes the file's raw bytes as application/octet-stream, at most
 * maxFileBytes (larger bodies get 413 UPLOAD_TOO_LARGE before any byte is written), and an optional `&mode=755`
 * (or 644, the default) for the written file's permission bits.
 */
export function registerFileRoutes(app: FastifyInstance, deps: { files: SiteFiles; maxFileBytes: number }): void {
  const { files, maxFileBytes } = deps;
  const route = `${orchestratorApiPrefix}/sites/:id/files`;

  app.addContentTypeParser(
    "application/octet-stream",
    { parseAs: "buffer", bodyLimit: maxFileBytes },
    (_request, body, done) => done(null, body),
  );

  app.get(route, async (request, reply) => {
    const path = optionalPathOf(request);
    const { limit, after } = directoryPageQuerySchema.parse(request.query);
    const content = await files.read(siteIdOf(request), path, maxFileBytes, { limit, after: after ?? null });
    if (content.kind === "directory") return content.listing;
    // nosniff: whoever relays these bytes to a browser must not have them run as HTML by accident.
    return reply
      .header("content-type", "application/octet-stream")
      .header("x-content-type-options", "nosniff")
      .send(content.bytes);
  });

  app.put(route, { bodyLimit: maxFileBytes }, async (request) => {
    const id = siteIdOf(request);
    const path = pathOf(request);
    const mode = writeModeOf(request);
    // Fastify skips parsing an empty body, which is how an empty file arrives.
    const bytes = request.body === undefined ? Buffer.alloc(0) : request.body;
    if (!Buffer.isBuffer(bytes)) {
      throw new DirectorError("VALIDATION_FAILED", "Send the file's bytes as application/octet-stream.");
    }
    return files.write(id, path, bytes, { mode });
  });

  app.delete(route, async (request, reply) => {
    await files.remove(siteIdOf(request), pathOf(request));
    return reply.status(204).send();
  });
}
