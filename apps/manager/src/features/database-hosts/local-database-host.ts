/**
 * The database host an installation brings along (`director up`'s site PostgreSQL): registered once, then left to the
 * administrators. Its address and admin URL follow the instance (the sites network's gateway may change between
 * starts); its name, limit and whether it accepts databases are the administrators' to change, and a host they
 * deleted is not made again.
 */
import { AuditRepository } from "@director/db/audit.repository";
import type { DatabaseHandle } from "@director/db/database";
import { DatabaseHostsRepository } from "@director/db/database-hosts.repository";
import { type DatabaseHostRecord, parseDatabaseHostName } from "@director/domain/database-host";
import { SecretBox } from "../../adapters/secret-box.js";
import type { SecretSealer } from "./database-host-checker.js";
import { databaseHostAuditDetails } from "./database-hosts.presenter.js";

/** Where the installation's own host is and how its admin connects. */
export interface LocalDatabaseHost {
  /** its name when it is first registered; administrators may rename it afterwards */
  name: string;
  kind: DatabaseHostRecord["kind"];
  siteHost: string;
  sitePort: number;
  adminUrl: string;
  maxDatabases: number;
}

/** What `ensureLocalDatabaseHost` did. */
export type LocalDatabaseHostResult =
  | { action: "created" | "updated" | "unchanged"; host: DatabaseHostRecord }
  /** the host registered earlier (`registeredId`) is gone: an administrator deleted it */
  | { action: "deleted-by-administrator" }
  /** never registered, and an administrator's own host has the name */
  | { action: "name-taken" };

export interface LocalDatabaseHostDeps {
  hosts: Pick<DatabaseHostsRepository, "list" | "findByName" | "create" | "update">;
  audit: Pick<AuditRepository, "record">;
  sealer: SecretSealer;
}

/**
 * Registers `wanted` unless `registeredId` (what an earlier call returned, kept by the caller) names a host: then
 * only its site address and admin URL are brought up to date. Not checked through the orchestrator: the caller made
 * the instance itself a moment ago (administrators can check it with a PATCH of the admin URL).
 */
export async function ensureLocalDatabaseHost(
  deps: LocalDatabaseHostDeps,
  wanted: LocalDatabaseHost,
  registeredId: number | null,
): Promise<LocalDatabaseHostResult> {
  if (registeredId !== null) {
    const current = (await deps.hosts.list()).find((host) => host.id === registeredId);
    if (current === undefined) return { action: "deleted-by-administrator" };
    const isCurrent =
      current.siteHost === wanted.siteHost &&
      current.sitePort === wanted.sitePort &&
      current.kind === wanted.kind &&
      deps.sealer.open(current.adminUrlEncrypted) === wanted.adminUrl;
    if (isCurrent) return { action: "unchanged", host: current };
    const host = await deps.hosts.update(current.id, {
      ...current,
      kind: wanted.kind,
      siteHost: wanted.siteHost,
      sitePort: wanted.sitePort,
      adminUrlEncrypted: deps.sealer.seal(wanted.adminUrl),
    });
    await record(deps, "database-host.update", host, ["kind", "siteHost", "sitePort", "adminUrl"]);
    return { action: "updated", host };
  }
  const name = parseDatabaseHostName(wanted.name);
  if ((await deps.hosts.findByName(name)) !== null) return { action: "name-taken" };
  const host = await deps.hosts.create({
    name,
    kind: wanted.kind,
    siteHost: wanted.siteHost,
    sitePort: wanted.sitePort,
    adminUrlEncrypted: deps.sealer.seal(wanted.adminUrl),
    maxDatabases: wanted.maxDatabases,
    isAccepting: true,
  });
  await record(deps, "database-host.create", host, Object.keys(wanted));
  return { action: "created", host };
}

/** As the service records an administrator's change, with no actor: the installation did it. Never the admin URL. */
async function record(
  deps: LocalDatabaseHostDeps,
  action: string,
  host: DatabaseHostRecord,
  fields: string[],
): Promise<void> {
  await deps.audit.record({
    actorUserId: null,
    action,
    target: `database-host:${host.name}`,
    details: databaseHostAuditDetails(host, fields),
  });
}

/** `ensureLocalDatabaseHost` on the installation's database, the admin URL sealed with its DIRECTOR_SECRETS_KEY. */
export function registerLocalDatabaseHost(
  db: DatabaseHandle,
  secretsKey: string,
  wanted: LocalDatabaseHost,
  registeredId: number | null,
): Promise<LocalDatabaseHostResult> {
  const deps = {
    hosts: new DatabaseHostsRepository(db),
    audit: new AuditRepository(db),
    sealer: new SecretBox(secretsKey),
  };
  return ensureLocalDatabaseHost(deps, wanted, registeredId);
}
