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
    /** administrators: the database's own size limit in bytes (null: the installation's default) */
    setSizeLimit: (name: string, sizeLimitBytes: number | null) =>
      callRoute(http, "siteDatabase", "setSizeLimit", { params: { name }, json: { sizeLimitBytes } }),
    /** administrators: the largest databases as last measured */
    largest: (limit = 50) => callRoute(http, "siteDatabase", "listLargest", { query: { limit } }),
    /**
     * The dump's bytes. Read by the page (not a plain link) so that a refusal, such as a host without a fitting
     * pg_dump, is shown in words rather than saved as a file.
     */
    export: (name: string) =>
      http.request<ArrayBuffer>("GET", routeUrl("siteDatabaseTransfer", "export", { name }), { answerAs: "bytes" }),
    /** sends a dump as the raw body, with upload progress; answers once it has been restored */
    import: (name: string, file: Blob, onProgress?: (sentBytes: number) => void) =>
      http.request<SiteDatabaseImportAnswer>("POST", routeUrl("siteDatabaseTransfer", "import", { name }), {
        body: file,
        ...(onProgress ? { onUploadProgress: onProgress } : {}),
      }),
  };
}
