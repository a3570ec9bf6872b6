import { databaseHostRoutes } from "@director/contracts/manager-routes-database-hosts";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { presentDatabaseHost } from "./database-hosts.presenter.js";
import type { DatabaseHostsService } from "./database-hosts.service.js";

/** GET, POST /api/admin/database-hosts, PATCH and DELETE /:name (administrators). */
export function registerDatabaseHostRoutes(app: FastifyInstance, deps: { databaseHosts: DatabaseHostsService }): void {
  const { databaseHosts } = deps;
  registerApiRoute(app, databaseHostRoutes.list, async ({ actor }) => ({
    databaseHosts: (await databaseHosts.list(actor)).map(({ host, adminUrl }) => presentDatabaseHost(host, adminUrl)),
  }));
  registerApiRoute(app, databaseHostRoutes.create, async ({ actor, body }) => {
    const { host, adminUrl } = await databaseHosts.create(actor, body);
    return presentDatabaseHost(host, adminUrl);
  });
  registerApiRoute(app, databaseHostRoutes.update, async ({ actor, params, body }) => {
    const { host, adminUrl } = await databaseHosts.update(actor, params.name, body);
    return presentDatabaseHost(host, adminUrl);
  });
  registerApiRoute(app, databaseHostRoutes.remove, async ({ actor, params }) => {
    await databaseHosts.delete(actor, params.name);
  });
}
