/** A site's members. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function membersApi(http: Http) {
  return {
    list: (name: string) => callRoute(http, "members", "list", { params: { name } }),
    /** an unknown username is invited (the account is made at their first login) */
    add: (name: string, username: string) =>
      callRoute(http, "members", "add", { params: { name }, json: { username } }),
    /** hands the site to `to`; the caller leaves it unless `keepAccess` */
    transfer: (name: string, to: string, keepAccess: boolean) =>
      callRoute(http, "members", "transfer", { params: { name }, json: { to, keepAccess } }),
    remove: (name: string, username: string) => callRoute(http, "members", "remove", { params: { name, username } }),
  };
}
