/** Logging in and out, who am I, how one may log in, and the guidelines every person accepts. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function authApi(http: Http) {
  return {
    login: (username: string, password: string) => callRoute(http, "auth", "login", { json: { username, password } }),
    logout: () => callRoute(http, "auth", "logout"),
    me: () => callRoute(http, "auth", "me"),
    /** the identity provider's start URL, when there is one */
    options: () => callRoute(http, "auth", "options"),
  };
}

export function guidelinesApi(http: Http) {
  return {
    get: () => callRoute(http, "guidelines", "get"),
    /** answers with the account, now with `guidelinesAccepted` */
    accept: () => callRoute(http, "guidelines", "accept"),
  };
}
