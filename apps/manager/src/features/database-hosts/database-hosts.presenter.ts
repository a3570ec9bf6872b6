import type { DatabaseHostView } from "@director/contracts/manager-routes-database-hosts";
import type { DatabaseHostRecord } from "@director/domain/database-host";

const defaultPorts = { postgres: "5432", mysql: "3306" } as const;

/** A host as administrators see it: the admin URL only as its user name and address, never its password. */
export function presentDatabaseHost(host: DatabaseHostRecord, adminUrl: string): DatabaseHostView {
  const url = new URL(adminUrl);
  return {
    name: host.name,
    kind: host.kind,
    siteHost: host.siteHost,
    sitePort: host.sitePort,
    adminUser: decodeURIComponent(url.username),
    adminAddress: `${url.hostname}:${url.port || defaultPorts[host.kind]}`,
    maxDatabases: host.maxDatabases,
    isAccepting: host.isAccepting,
    createdAt: host.createdAt.toISOString(),
    updatedAt: host.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a host's change: its public settings and the fields changed, never the admin URL. */
export function databaseHostAuditDetails(host: DatabaseHostRecord, fields: string[]) {
  return {
    kind: host.kind,
    siteHost: host.siteHost,
    sitePort: host.sitePort,
    maxDatabases: host.maxDatabases,
    isAccepting: host.isAccepting,
    fields,
  };
}
