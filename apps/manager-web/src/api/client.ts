import { authApi, filesApi, imagesApi, operationsApi, reconcileApi, sitesApi } from "./core";
import { flowApi } from "./flow";
import type { Http } from "./http";
import { operationsAdminApi } from "./operations-admin";
import { peopleApi } from "./people";

/** Every API the interface calls, over one Http (FetchHttp in the browser). */
export function createApi(http: Http) {
  return {
    auth: authApi(http),
    sites: sitesApi(http),
    files: filesApi(http),
    operations: operationsApi(http),
    images: imagesApi(http),
    reconcile: reconcileApi(http),
    /** login options, guidelines, accounts, audit log, mass email */
    people: peopleApi(http),
    /** members, confirmed deletion, description, site requests */
    flow: flowApi(http),
    /** administrators: operations list and retry */
    operationsAdmin: operationsAdminApi(http),
  };
}

export type Api = ReturnType<typeof createApi>;
