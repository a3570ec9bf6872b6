import { authApi, filesApi, imagesApi, operationsApi, reconcileApi, sitesApi } from "./core";
import { flowApi } from "./flow";
import type { Http } from "./http";
import { peopleApi } from "./people";
import { operationsAdminApi } from "./unowned";

/** Every API the interface calls, over one Http (FetchHttp in the browser). */
export function createApi(http: Http) {
  return {
    auth: authApi(http),
    sites: sitesApi(http),
    files: filesApi(http),
    operations: operationsApi(http),
    images: imagesApi(http),
    reconcile: reconcileApi(http),
    /** coming: accounts, guidelines, administration */
    people: peopleApi(http),
    /** coming: members, search, confirmed deletion, site requests */
    flow: flowApi(http),
    /** coming, no owner yet: operations list and retry */
    operationsAdmin: operationsAdminApi(http),
  };
}

export type Api = ReturnType<typeof createApi>;
