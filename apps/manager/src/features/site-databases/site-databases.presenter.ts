import type { LargeSiteDatabaseView, SiteDatabaseView } from "@director/contracts/manager-routes-site-databases";
import type { LargeSiteDatabase } from "@director/db/site-databases.repository";
import type { SiteDatabaseRecord } from "@director/domain/site-database";
import { effectiveSizeLimit } from "@director/domain/site-database-quota";
import { siteDatabaseUrl, siteDatabaseVariableNames } from "./site-database-environment.js";
import type { SiteDatabaseWithHost } from "./site-databases.service.js";

/**
 * A site's database as its members see it: how to connect, never the password; its size (`sizeBytes`: measured now,
 * else the background check's last measure) against the limit in force (`defaultLimitBytes` unless its own).
 */
export function presentSiteDatabase(
  { record, host }: SiteDatabaseWithHost,
  sizes: { sizeBytes?: number | null; defaultLimitBytes: number | null },
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
    sizeBytes: sizes.sizeBytes ?? record.sizeBytes,
    ...presentLimit(record, sizes.defaultLimitBytes),
    createdAt: record.createdAt.toISOString(),
  };
}

/** A database in the administrators' list of the largest. */
export function presentLargeSiteDatabase(
  large: LargeSiteDatabase,
  defaultLimitBytes: number | null,
): LargeSiteDatabaseView {
  const { record } = large;
  return {
    site: large.siteName,
    host: large.hostName,
    kind: large.kind,
    status: record.status,
    sizeBytes: record.sizeBytes,
    ...presentLimit(record, defaultLimitBytes),
  };
}

function presentLimit(record: SiteDatabaseRecord, defaultLimitBytes: number | null) {
  return {
    sizeLimitBytes: effectiveSizeLimit(record.sizeLimitBytes, defaultLimitBytes),
    hasOwnSizeLimit: record.sizeLimitBytes !== null,
    sizeMeasuredAt: record.sizeMeasuredAt?.toISOString() ?? null,
    writesStoppedAt: record.writesStoppedAt?.toISOString() ?? null,
  };
}
