import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteFiles } from "../core/ports.js";

/**
 * A site's files (contracts/orchestrator-files.ts). Reading a directory answers one page of its listing; a write
 * takes the file's raw bytes, at most maxFileBytes (a larger body gets 413 UPLOAD_TOO_LARGE before any byte is
 * written), with the permission bits 644 or 755.
 */
export function registerFileRoutes(app: FastifyInstance, deps: { files: SiteFiles; maxFileBytes: number }): void {
  const { files, maxFileBytes } = deps;

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
      files.write(params.id, query.path, body, { mode: query.mode === "755" ? 0o755 : 0o644 }),
    { bodyLimit: maxFileBytes },
  );

  registerRoute(app, orchestratorApi.removeFile, async ({ params, query }) => {
    await files.remove(params.id, query.path);
  });
}
