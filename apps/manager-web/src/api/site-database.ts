/** A site's database. */
import type { SiteDatabaseImportAnswer } from "@director/contracts/orchestrator-database-transfers";
import type { Http } from "./http";
import { callRoute, routeUrl } from "./route-call";

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
    /** a link the browser downloads the dump from (the session cookie authenticates it) */
    exportUrl: (name: string) => routeUrl("siteDatabaseTransfer", "export", { name }),
    /** sends a dump as the raw body, with upload progress; answers once it has been restored */
    import: (name: string, file: Blob, onProgress?: (sentBytes: number) => void) =>
      http.request<SiteDatabaseImportAnswer>("POST", routeUrl("siteDatabaseTransfer", "import", { name }), {
        body: file,
        ...(onProgress ? { onUploadProgress: onProgress } : {}),
      }),
  };
}
