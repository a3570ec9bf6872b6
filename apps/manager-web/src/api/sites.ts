/** Sites: the list and search, one site, its changes (each an operation), its process. */
import type { Http } from "./http";
import { callRoute } from "./route-call";
import type { CreateSiteRequest, SiteAvailability, SiteLimits, SiteView } from "./types";

export function sitesApi(http: Http) {
  const site = (name: string) => ({ name });
  return {
    list: (page: { limit: number; offset: number; q?: string }, signal?: AbortSignal) =>
      callRoute(http, "sites", "list", { query: page, ...(signal ? { signal } : {}) }),
    get: (name: string) => callRoute(http, "sites", "get", { params: site(name) }),
    create: (request: CreateSiteRequest) => callRoute(http, "sites", "create", { json: request }),
    restart: (name: string) => callRoute(http, "sites", "restart", { params: site(name) }),
    changeType: (name: string, type: SiteView["type"]) =>
      callRoute(http, "sites", "changeType", { params: site(name), json: { type } }),
    /** renames the site (202 + the rename operation); its old name redirects to the new one for a while */
    rename: (name: string, newName: string) =>
      callRoute(http, "sites", "rename", { params: site(name), json: { name: newName } }),
    /** deletes the site once `confirmName` equals its name (202 + the delete operation) */
    remove: (name: string, confirmName: string) =>
      callRoute(http, "sites", "remove", { params: site(name), json: { confirmName } }),
    setDescription: (name: string, description: string) =>
      callRoute(http, "sites", "setDescription", { params: site(name), json: { description } }),
    process: (name: string, signal?: AbortSignal) =>
      callRoute(http, "process", "status", { params: site(name), ...(signal ? { signal } : {}) }),
    /** builds the site's image from `image` plus `packages`; `writeRunScript` replaces run.sh with its template */
    changeImage: (name: string, change: { image: string; packages: string[]; writeRunScript: boolean }) =>
      callRoute(http, "sites", "setImage", { params: site(name), json: change }),
    /** administrators */
    setAvailability: (name: string, availability: SiteAvailability) =>
      callRoute(http, "sites", "setAvailability", { params: site(name), json: { availability } }),
    /** administrators */
    setLimits: (name: string, limits: SiteLimits) =>
      callRoute(http, "sites", "setLimits", { params: site(name), json: limits }),
    /** administrators: the comment the site's members see */
    setAdminComment: (name: string, comment: string) =>
      callRoute(http, "sites", "setAdminComment", { params: site(name), json: { comment } }),
  };
}
