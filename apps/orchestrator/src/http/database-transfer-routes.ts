import { pipeline } from "node:stream/promises";
import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { importAccessSchema } from "@director/contracts/orchestrator-database-transfers";
import { DirectorError } from "@director/domain/errors";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import { acceptStreamedBodies, registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import { receiveDumpUpload } from "../adapters/dump-upload.js";
import { archiveSites } from "../adapters/sites-archive.js";
import type { SiteDirectories, ZipLimits } from "../core/ports.js";
import type { SiteDatabaseTransfers } from "../core/site-database-transfers.js";

/**
 * Exports and imports of sites' databases (contracts/orchestrator-database-transfers.ts). Their bodies hold the host's
 * admin URL and the site's password: nothing here logs a body (nor does the app).
 */
export function registerDatabaseTransferRoutes(
  app: FastifyInstance,
  deps: { transfers: SiteDatabaseTransfers; directories: Pick<SiteDirectories, "pathOf">; zipLimits: ZipLimits },
): void {
  const { transfers } = deps;

  registerRoute(app, orchestratorApi.archiveSites, async ({ body, reply }) => {
    // Every site is planned (and refused past the limits) before the answer starts: an error is still JSON.
    const clientGone = signalWhenClientGoes(reply.raw);
    const zip = await archiveSites(
      body.sites,
      {
        pathOf: (id) => deps.directories.pathOf(id),
        dump: (host, id, password, signal) => transfers.export(host, id, password, signal),
        limits: deps.zipLimits,
      },
      clientGone,
    );
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "application/zip", "x-content-type-options": "nosniff" });
    try {
      await pipeline(zip, reply.raw);
    } catch {
      reply.raw.destroy(); // a cut answer, never a complete-looking zip
    }
  });

  registerRoute(app, orchestratorApi.exportSiteDatabase, async ({ params, body, reply }) => {
    // The dump tool starts (and is refused: a login, a missing tool) before the answer does: a refusal is still an
    // ordinary JSON answer. Once it streams, a failure can only cut the connection.
    const clientGone = signalWhenClientGoes(reply.raw);
    const dump = await transfers.export(body.host, params.id, body.password, clientGone);
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "application/octet-stream", "x-content-type-options": "nosniff" });
    try {
      await pipeline(dump, reply.raw);
    } catch {
      reply.raw.destroy(); // the reader sees a cut answer, not a complete dump
    }
  });

  // The import's body is read here as it comes, in a scope whose parser leaves it unread.
  void app.register(async (scope) => {
    acceptStreamedBodies(scope);
    registerRoute(scope, orchestratorApi.importSiteDatabase, async ({ params, body }) => {
      const received = await receiveDumpUpload(body, parseAccess);
      try {
        const started = performance.now();
        const { restoredEntries } = await transfers.import(
          received.access.host,
          params.id,
          received.access.password,
          received.file,
        );
        return {
          kind: received.access.host.kind,
          bytes: received.bytes,
          durationMs: Math.round(performance.now() - started),
          restoredEntries,
        };
      } finally {
        await received.dispose();
      }
    });
  });
}

function parseAccess(line: string) {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new DirectorError("VALIDATION_FAILED", "An import's access line is not JSON.", { cause });
  }
  return importAccessSchema.parse(value);
}
