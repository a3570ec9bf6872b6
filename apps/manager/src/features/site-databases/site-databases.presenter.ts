import type { SiteDatabaseView } from "@director/contracts/manager-routes-site-databases";
import { siteDatabaseUrl, siteDatabaseVariableNames } from "./site-database-environment.js";
import type { SiteDatabaseWithHost } from "./site-databases.service.js";

/** A site's database as its members see it: how to connect, never the password. */
export function presentSiteDatabase(
  { record, host }: SiteDatabaseWithHost,
  sizeBytes: number | null = null,
): SiteDatabaseView {
  const { siteHost, sitePort, kind } = host;
  return {
    kind,
    status: record.status,
    host: siteHost,
    port: sitePort,
    name: record.name,
    url: record.name === null ? null : siteDatabaseUrl({ kind, host: siteHost, port: sitePort, name: record.name }),
    environment: [...siteDatabaseVariableNames],
    sizeBytes,
    createdAt: record.createdAt.toISOString(),
  };
}
