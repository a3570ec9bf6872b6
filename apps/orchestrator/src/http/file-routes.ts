import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { parseSitePath } from "@director/domain/site-path";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import { parseModeChange } from "../core/mode-change.js";
import type { SiteFiles, ZipLimits } from "../core/ports.js";

/**
 * A site's files (contracts/orchestrator-files.ts). Reading a directory answers one page of its listing; a write
 * takes the file's raw bytes, at most maxFileBytes (a larger body gets 413 UPLOAD_TOO_LARGE before any byte is
 * written), with the permission bits 644 or 755.
 */
export function registerFileRoutes(
  app: FastifyInstance,
  deps: { files: SiteFiles; maxFileBytes: number; zipLimits: ZipLimits },
): void {
  const { files, maxFileBytes, zipLimits } = deps;

  registerRoute(app, orchestratorApi.readFile, async ({ params, query, reply }) => {
    const page = { limit: query.limit, after: query.after ?? null };
    const content = await files.read(params.id, query.path ?? null, maxFileBytes, page);
    if (content.kind === "directory") return reply.send(content.listing);
    // nosniff: whoever relays these bytes to a browser must not have them run as HTML by accident.
    return reply
      .header("content-type", "application/octet-stream")
      .header("x-content-type-options", "nosniff")
      .send(content.bytes);
  });

  registerRoute(
    app,
    orchestratorApi.writeFile,
    async ({ params, query, body }) =>
      files.write(params.id, query.path, body, {
        mode: query.mode === "755" ? 0o755 : 0o644,
        ...(query.ifModifiedAt === undefined ? {} : { ifModifiedAt: query.ifModifiedAt }),
      }),
    { bodyLimit: maxFileBytes },
  );

  registerRoute(app, orchestratorApi.removeFile, async ({ params, query }) => {
    if (query.recursive === "true") await files.removeTree(params.id, query.path);
    else await files.remove(params.id, query.path);
  });

  registerRoute(app, orchestratorApi.zipFolder, async ({ params, query, reply }) => {
    // Planned (and refused past the limits) before the answer starts: an error is still an ordinary JSON answer.
    const zip = await files.zip(params.id, query.path ?? null, zipLimits);
    return reply.header("content-type", "application/zip").send(zip);
  });

  registerRoute(app, orchestratorApi.copySiteFiles, async ({ params, body }) =>
    files.copyFrom(params.id, body.fromSiteId, zipLimits),
  );

  registerRoute(app, orchestratorApi.changeFile, async ({ params, query, body }) => {
    switch (body.action) {
      case "mkdir":
        await files.makeDirectory(params.id, query.path);
        return { path: query.path };
      case "move": {
        const to = parseSitePath(body.to);
        await files.move(params.id, query.path, to);
        return { path: to };
      }
      case "chmod":
        return { path: query.path, ...(await files.changeMode(params.id, query.path, parseModeChange(body.mode))) };
    }
  });
}
