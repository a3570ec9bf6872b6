import { siteDatabaseRoutes } from "@director/contracts/manager-routes-site-databases";
import type { OperationsRepository } from "@director/db/operations.repository";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import type { FastifyInstance, FastifyReply } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { waitForOperation } from "../operations/wait-for-operation.js";
import { presentOperation } from "../sites/sites.presenter.js";
import type { SiteDatabaseLimitsService } from "./site-database-limits.service.js";
import { presentLargeSiteDatabase, presentSiteDatabase } from "./site-databases.presenter.js";
import type { SiteDatabasesService } from "./site-databases.service.js";

/** How long `?wait=true` waits for the operation (making a database on a busy host, restarting the site's process). */
const waitTimeoutMs = 120_000;

/**
 * GET/POST/DELETE /api/sites/:name/database, POST …/database/password (reveal), POST …/database/rotation; the ones
 * that queue an operation take `?wait=true` and answer 202 until it has succeeded. Administrators: PUT
 * …/database/size-limit and GET /api/admin/site-databases (the largest).
 */
export function registerSiteDatabaseRoutes(
  app: FastifyInstance,
  deps: {
    databases: SiteDatabasesService;
    limits: SiteDatabaseLimitsService;
    operations: Pick<OperationsRepository, "findById">;
  },
): void {
  const { databases, limits, operations } = deps;
  const { defaultLimitBytes } = limits;
  const settle = async (reply: FastifyReply, wait: "true" | "false", queued: Operation) => {
    const operation = wait === "true" ? await waitForOperation(operations, queued, waitTimeoutMs) : queued;
    reply.status(operation.status === "succeeded" ? 200 : 202);
    return presentOperation(operation);
  };

  registerApiRoute(app, siteDatabaseRoutes.get, async ({ actor, params }) => {
    const { database } = await databases.get(actor, params.name);
    return {
      database:
        database === null
          ? null
          : presentSiteDatabase(database, { sizeBytes: await databases.sizeOf(database), defaultLimitBytes }),
    };
  });

  registerApiRoute(app, siteDatabaseRoutes.create, async ({ actor, params, query, body, reply }) => {
    const created = await databases.create(actor, params.name, body.kind);
    const operation = await settle(reply, query.wait, created.operation);
    // the answer shows the database as the operation left it
    const { database } = await databases.get(actor, params.name);
    reply.status(201);
    return { database: presentSiteDatabase(database ?? created.database, { defaultLimitBytes }), operation };
  });

  registerApiRoute(app, siteDatabaseRoutes.remove, async ({ actor, params, query, body, reply }) => ({
    operation: await settle(reply, query.wait, await databases.delete(actor, params.name, body.confirmName)),
  }));

  registerApiRoute(app, siteDatabaseRoutes.revealPassword, async ({ actor, params }) =>
    databases.revealPassword(actor, params.name),
  );

  registerApiRoute(app, siteDatabaseRoutes.query, async ({ actor, params, body }) =>
    databases.runStatement(actor, params.name, body),
  );

  registerApiRoute(app, siteDatabaseRoutes.rotatePassword, async ({ actor, params, query, reply }) => ({
    operation: await settle(reply, query.wait, await databases.rotatePassword(actor, params.name)),
  }));

  registerApiRoute(app, siteDatabaseRoutes.setSizeLimit, async ({ actor, params, body }) => {
    await limits.setSizeLimit(actor, params.name, body.sizeLimitBytes);
    const { database } = await databases.get(actor, params.name);
    if (database === null)
      throw new DirectorError("SITE_DATABASE_NOT_FOUND", `The site "${params.name}" has no database.`);
    return { database: presentSiteDatabase(database, { defaultLimitBytes }) };
  });

  registerApiRoute(app, siteDatabaseRoutes.listLargest, async ({ actor, query }) => ({
    databases: (await limits.largest(actor, query.limit)).map((large) =>
      presentLargeSiteDatabase(large, defaultLimitBytes),
    ),
    defaultSizeLimitBytes: defaultLimitBytes,
  }));
}
