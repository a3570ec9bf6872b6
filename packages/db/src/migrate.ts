/** Brings a database to the latest schema with Kysely's Migrator and migrations compiled into the code. */
import { DirectorError } from "@director/domain/errors";
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import { isConnectionError } from "./database-errors.js";
import * as initial from "./migrations/0001-initial.js";
import * as siteResourceLimits from "./migrations/0002-site-resource-limits.js";
import * as images from "./migrations/0003-images.js";
import * as userIdentity from "./migrations/0004-user-identity.js";
import * as siteRequests from "./migrations/0005-site-requests.js";
import * as auditSearch from "./migrations/0006-audit-search.js";
import * as siteAdminComment from "./migrations/0007-site-admin-comment.js";
import * as mailOutbox from "./migrations/0008-mail-outbox.js";
import * as guidelinesVersion from "./migrations/0009-guidelines-version.js";
import * as siteRevision from "./migrations/0010-site-revision.js";
import * as siteDomains from "./migrations/0011-site-domains.js";
import * as siteList from "./migrations/0012-site-list.js";
import * as sshKeys from "./migrations/0013-ssh-keys.js";
import * as sessionKind from "./migrations/0014-session-kind.js";
import * as databaseHosts from "./migrations/0015-database-hosts.js";
import * as siteDatabases from "./migrations/0016-site-databases.js";
import * as siteDatabaseSizes from "./migrations/0017-site-database-sizes.js";
import * as siteTraffic from "./migrations/0018-site-traffic.js";
import * as siteResources from "./migrations/0019-site-resources.js";
import * as usageAlerts from "./migrations/0020-usage-alerts.js";
import * as siteDisk from "./migrations/0021-site-disk.js";
import * as siteVariables from "./migrations/0022-site-variables.js";
import * as courses from "./migrations/0023-courses.js";
import * as siteFormerNames from "./migrations/0024-site-former-names.js";
import * as operationOutbox from "./migrations/0025-operation-outbox.js";
import type { DB } from "./schema.js";

/** Every migration, in order; a record in code (not a folder scan) so bundled and tsx runs find them alike. */
const migrations: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-site-resource-limits": siteResourceLimits,
  "0003-images": images,
  "0004-user-identity": userIdentity,
  "0005-site-requests": siteRequests,
  "0006-audit-search": auditSearch,
  "0007-site-admin-comment": siteAdminComment,
  "0008-mail-outbox": mailOutbox,
  "0009-guidelines-version": guidelinesVersion,
  "0010-site-revision": siteRevision,
  "0011-site-domains": siteDomains,
  "0012-site-list": siteList,
  "0013-ssh-keys": sshKeys,
  "0014-session-kind": sessionKind,
  "0015-database-hosts": databaseHosts,
  "0016-site-databases": siteDatabases,
  "0017-site-database-sizes": siteDatabaseSizes,
  "0018-site-traffic": siteTraffic,
  "0019-site-resources": siteResources,
  "0020-usage-alerts": usageAlerts,
  "0021-site-disk": siteDisk,
  "0022-site-variables": siteVariables,
  "0023-courses": courses,
  "0024-site-former-names": siteFormerNames,
  "0025-operation-outbox": operationOutbox,
};

const staticProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Where migrate reports what it applied; a pino logger fits. */
export interface MigrationLog {
  info(details: Record<string, unknown>, message: string): void;
}

/** Applies every pending migration (a no-op when none is pending); returns the names applied. */
export async function migrateToLatest(db: Kysely<DB>, log?: MigrationLog): Promise<string[]> {
  const migrator = new Migrator({ db, provider: staticProvider });
  let outcome: Awaited<ReturnType<Migrator["migrateToLatest"]>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    throw migrationFailure(error);
  }
  const applied = (outcome.results ?? []).filter((result) => result.status === "Success");
  for (const result of applied) log?.info({ migration: result.migrationName }, "migration applied");
  if (outcome.error !== undefined) throw migrationFailure(outcome.error, outcome.results);
  return applied.map((result) => result.migrationName);
}

function migrationFailure(error: unknown, results?: { migrationName: string; status: string }[]): DirectorError {
  const failed = results?.find((result) => result.status === "Error")?.migrationName;
  if (isConnectionError(error)) {
    return new DirectorError("DATABASE_UNAVAILABLE", "Could not reach the database to migrate it; is it running?", {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DirectorError(
    "INTERNAL",
    failed ? `Database migration ${failed} failed: ${message}` : `Database migration failed: ${message}`,
    { cause: error, details: failed ? { migration: failed } : undefined },
  );
}
