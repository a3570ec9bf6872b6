/** A site's environment variables and secrets. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

/** One variable as the form sends it: a secret without `value` keeps the value it has. */
export interface SiteVariableInput {
  name: string;
  value?: string;
  isSecret: boolean;
}

export function siteVariablesApi(http: Http) {
  return {
    list: (name: string) => callRoute(http, "siteVariables", "list", { params: { name } }),
    /** the whole set as it is to be; a dynamic site's process restarts with it (the answer's operation) */
    replace: (name: string, variables: SiteVariableInput[]) =>
      callRoute(http, "siteVariables", "replace", { params: { name }, json: { variables } }),
  };
}
