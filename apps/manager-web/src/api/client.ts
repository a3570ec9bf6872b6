import { adminApi } from "./admin";
import { authApi, guidelinesApi } from "./auth";
import { coursesApi } from "./courses";
import { databaseHostsApi } from "./database-hosts";
import { domainsApi } from "./domains";
import { filesApi } from "./files";
import type { Http } from "./http";
import { imagesApi } from "./images";
import { membersApi } from "./members";
import { operationsApi } from "./operations";
import { siteDatabaseApi } from "./site-database";
import { siteRequestsApi } from "./site-requests";
import { siteVariablesApi } from "./site-variables";
import { sitesApi } from "./sites";
import { sshApi } from "./ssh";
import { usageApi } from "./usage";

/** Every API the interface calls, over one Http (FetchHttp in the browser), grouped as the route table is. */
export function createApi(http: Http) {
  return {
    auth: authApi(http),
    guidelines: guidelinesApi(http),
    sites: sitesApi(http),
    members: membersApi(http),
    domains: domainsApi(http),
    siteDatabase: siteDatabaseApi(http),
    siteVariables: siteVariablesApi(http),
    courses: coursesApi(http),
    files: filesApi(http),
    images: imagesApi(http),
    siteRequests: siteRequestsApi(http),
    operations: operationsApi(http),
    admin: adminApi(http),
    databaseHosts: databaseHostsApi(http),
    ssh: sshApi(http),
    usage: usageApi(http),
  };
}

export type Api = ReturnType<typeof createApi>;
