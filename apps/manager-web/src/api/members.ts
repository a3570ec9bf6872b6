/** A site's members. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function membersApi(http: Http) {
  return {
    list: (name: string) => callRoute(http, "members", "list", { params: { name } }),
    /** an unknown username is invited (the account is made at their first login) */
    add: (name: string, username: string) =>
      callRoute(http, "members", "add", { params: { name }, json: { username } }),
    remove: (name: string, username: string) => callRoute(http, "members", "remove", { params: { name, username } }),
  };
}
