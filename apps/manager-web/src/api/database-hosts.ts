/** Administrators: the database hosts that sites' databases live on. */
import type { Http } from "./http";
import { callRoute } from "./route-call";
import type { CreateDatabaseHostRequest, UpdateDatabaseHostRequest } from "./types";

export function databaseHostsApi(http: Http) {
  return {
    list: () => callRoute(http, "databaseHosts", "list", {}),
    create: (host: CreateDatabaseHostRequest) => callRoute(http, "databaseHosts", "create", { json: host }),
    update: (name: string, change: UpdateDatabaseHostRequest) =>
      callRoute(http, "databaseHosts", "update", { params: { name }, json: change }),
    remove: (name: string) => callRoute(http, "databaseHosts", "remove", { params: { name } }),
  };
}
