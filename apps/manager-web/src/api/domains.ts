/** A site's own domains. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function domainsApi(http: Http) {
  return {
    list: (name: string) => callRoute(http, "domains", "list", { params: { name } }),
    add: (name: string, domain: string) => callRoute(http, "domains", "add", { params: { name }, json: { domain } }),
    remove: (name: string, domain: string) => callRoute(http, "domains", "remove", { params: { name, domain } }),
    retry: (name: string, domain: string) => callRoute(http, "domains", "retry", { params: { name, domain } }),
    /** administrators: every site's */
    listAll: () => callRoute(http, "domains", "listAll", {}),
  };
}
