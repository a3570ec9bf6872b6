/**
 * The manager API routes that exist in this release (README "The JSON API"). Types come from
 * packages/contracts (type-only imports: no zod reaches the browser bundle).
 */
import type {
  CreateSiteRequest,
  ImageView,
  OperationView,
  ReconcileReport,
  SiteView,
  UserView,
} from "@director/contracts/manager-api";
import type { DirectoryListing, FileWritten } from "@director/contracts/orchestrator-files";
import type { SiteServiceStatus } from "@director/contracts/orchestrator-services";
import { encodePath, type Http } from "./http";

export type {
  CreateSiteRequest,
  DirectoryListing,
  ImageView,
  OperationView,
  ReconcileReport,
  SiteServiceStatus,
  SiteView,
  UserView,
};
export type FileEntry = DirectoryListing["entries"][number];
export type SiteAvailability = SiteView["availability"];

/** The fields an administrator may set on a site (null: back to the platform default). */
export interface SiteLimits {
  cpus?: number | null;
  memoryMib?: number | null;
  clientBodyLimitBytes?: number | null;
}

/** GET /api/sites: one page of the search's results and how many there are in all. */
export interface SitePage {
  sites: SiteView[];
  total: number;
  limit: number;
  offset: number;
}

const site = (name: string) => `/api/sites/${encodeURIComponent(name)}`;

/** Login, logout, who am I. */
export function authApi(http: Http) {
  return {
    login: (username: string, password: string) =>
      http.request<{ user: UserView; expiresAt: string }>("POST", "/api/auth/login", { json: { username, password } }),
    logout: () => http.request<void>("POST", "/api/auth/logout"),
    me: () => http.request<UserView>("GET", "/api/auth/me"),
  };
}

/** Sites, their process, files and operations. */
export function sitesApi(http: Http) {
  return {
    list: (page: { limit: number; offset: number; q?: string }, signal?: AbortSignal) =>
      http.request<SitePage>("GET", "/api/sites", { query: page, ...(signal ? { signal } : {}) }),
    get: (name: string) => http.request<SiteView>("GET", site(name)),
    create: (request: CreateSiteRequest) =>
      http.request<{ site: SiteView; operation: OperationView }>("POST", "/api/sites", { json: request }),
    restart: (name: string) => http.request<{ operation: OperationView }>("POST", `${site(name)}/restart`),
    changeType: (name: string, type: SiteView["type"]) =>
      http.request<{ operation: OperationView }>("PATCH", site(name), { json: { type } }),
    process: (name: string, signal?: AbortSignal) =>
      http.request<SiteServiceStatus>("GET", `${site(name)}/process`, signal ? { signal } : {}),
    /** builds the site's image from `image` plus `packages`; `writeRunScript` replaces run.sh with its template */
    changeImage: (name: string, change: { image: string; packages: string[]; writeRunScript: boolean }) =>
      http.request<{ operation: OperationView }>("PUT", `${site(name)}/image`, { json: change }),
    /** administrators */
    setAvailability: (name: string, availability: SiteAvailability) =>
      http.request<{ operation: OperationView }>("PUT", `${site(name)}/availability`, { json: { availability } }),
    /** administrators */
    setLimits: (name: string, limits: SiteLimits) =>
      http.request<{ operation: OperationView }>("PUT", `${site(name)}/limits`, { json: limits }),
    /** administrators: the comment the site's members see */
    setAdminComment: (name: string, comment: string) =>
      http.request<SiteView>("PUT", `${site(name)}/admin-comment`, { json: { comment } }),
  };
}

/** A site's files: listings, uploads (raw bytes), removal. `path` is relative to the site directory. */
export function filesApi(http: Http) {
  return {
    /** one page of a directory, sorted by name: the first, or the one after `after` (a page's `nextAfter`) */
    list: (name: string, path: string, page: { after?: string; limit?: number } = {}) =>
      http.request<DirectoryListing>("GET", `${site(name)}/files/${encodePath(path)}`, { query: page }),
    /** `mode` 755 makes the file executable (a site's run.sh) */
    upload: (name: string, path: string, file: Blob, mode?: "644" | "755") =>
      http.request<FileWritten>("PUT", `${site(name)}/files/${encodePath(path)}`, {
        body: file,
        ...(mode ? { query: { mode } } : {}),
      }),
    remove: (name: string, path: string) => http.request<void>("DELETE", `${site(name)}/files/${encodePath(path)}`),
    /** a link the browser downloads the file from (the session cookie authenticates it) */
    downloadUrl: (name: string, path: string) => `${site(name)}/files/${encodePath(path)}`,
  };
}

export function operationsApi(http: Http) {
  return {
    get: (id: number) => http.request<OperationView>("GET", `/api/operations/${id}`),
  };
}

export function imagesApi(http: Http) {
  return {
    list: () => http.request<{ images: ImageView[] }>("GET", "/api/images"),
    remove: (name: string) => http.request<void>("DELETE", `/api/images/${encodeURIComponent(name)}`),
    update: (name: string, change: Partial<ImageView>) =>
      http.request<ImageView>("PATCH", `/api/images/${encodeURIComponent(name)}`, { json: change }),
    create: (image: Pick<ImageView, "name" | "friendlyName" | "description"> & { parentRef: string }) =>
      http.request<ImageView>("POST", "/api/images", { json: image }),
  };
}

export function reconcileApi(http: Http) {
  return {
    run: (request: { site?: string; isDryRun: boolean }) =>
      http.request<ReconcileReport>("POST", "/api/admin/reconcile", { json: request }),
  };
}
