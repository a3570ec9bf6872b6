import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteDatabases } from "../core/site-databases.js";

/**
 * Sites' databases on the host each call names, and the checks of a host (contracts/orchestrator-databases.ts).
 * Their bodies hold the host's admin URL and a site's password: nothing here logs a body (nor does the app).
 */
export function registerDatabaseRoutes(app: FastifyInstance, deps: { databases: SiteDatabases }): void {
  const { databases } = deps;

  registerRoute(app, orchestratorApi.ensureSiteDatabase, async ({ params, body }) => {
    const { name } = await databases.ensure(body.host, params.id, body.password);
    return { name, username: name };
  });

  registerRoute(app, orchestratorApi.rotateSiteDatabasePassword, async ({ params, body }) => {
    await databases.rotatePassword(body.host, params.id, body.password);
  });

  registerRoute(app, orchestratorApi.removeSiteDatabase, async ({ params, body }) => {
    await databases.drop(body.host, params.id);
  });

  registerRoute(app, orchestratorApi.siteDatabaseSize, async ({ params, body }) => ({
    bytes: await databases.sizeBytes(body.host, params.id),
  }));

  registerRoute(app, orchestratorApi.databaseHostSizes, async ({ body }) => {
    const sizes = await databases.sizesBytes(body.host, body.siteIds);
    return { sizes: [...sizes].map(([siteId, bytes]) => ({ siteId, bytes })) };
  });

  registerRoute(app, orchestratorApi.siteDatabaseWrites, async ({ params, body }) => {
    await databases.setWritesAllowed(body.host, params.id, body.isAllowed);
  });

  registerRoute(app, orchestratorApi.databaseHostInventory, async ({ body }) => ({
    siteIds: await databases.siteIds(body.host),
  }));

  registerRoute(app, orchestratorApi.checkDatabaseHost, async ({ body }) => databases.checkHost(body.host));

  registerRoute(app, orchestratorApi.runSiteStatement, async ({ params, body }) => {
    const { host, password, ...statement } = body;
    return databases.runStatement(host, params.id, password, statement);
  });
}
