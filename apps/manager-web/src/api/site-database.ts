/** A site's database. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function siteDatabaseApi(http: Http) {
  return {
    get: (name: string) => callRoute(http, "siteDatabase", "get", { params: { name } }),
    create: (name: string, kind: "postgres" | "mysql") =>
      callRoute(http, "siteDatabase", "create", { params: { name }, json: { kind } }),
    remove: (name: string, confirmName: string) =>
      callRoute(http, "siteDatabase", "remove", { params: { name }, json: { confirmName } }),
    revealPassword: (name: string) => callRoute(http, "siteDatabase", "revealPassword", { params: { name } }),
    rotatePassword: (name: string) => callRoute(http, "siteDatabase", "rotatePassword", { params: { name } }),
    query: (name: string, statement: string) =>
      callRoute(http, "siteDatabase", "query", { params: { name }, json: { statement } }),
  };
}
