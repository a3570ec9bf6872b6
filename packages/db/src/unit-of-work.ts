/**
 * The repositories of one database, and a unit of work that hands out the same repositories bound to one
 * transaction: a change that writes a site, its operation and an audit event commits all of them or none.
 */
import { AuditRepository } from "./audit.repository.js";
import { CoursesRepository } from "./courses.repository.js";
import type { DatabaseHandle } from "./database.js";
import { DatabaseHostsRepository } from "./database-hosts.repository.js";
import { GraduatingClassRepository } from "./graduating-class.repository.js";
import { ImagesRepository } from "./images.repository.js";
import { MailOutboxRepository } from "./mail-outbox.repository.js";
import { OperationOutboxRepository } from "./operation-outbox.repository.js";
import { OperationsRepository } from "./operations.repository.js";
import { SessionsRepository } from "./sessions.repository.js";
import { ShellServerReportRepository } from "./shell-server-report.repository.js";
import { SiteDatabasesRepository } from "./site-databases.repository.js";
import { SiteDiskRepository } from "./site-disk.repository.js";
import { SiteDomainsRepository } from "./site-domains.repository.js";
import { SiteFormerNamesRepository } from "./site-former-names.repository.js";
import { SiteListingQuery } from "./site-listing.query.js";
import { SiteRequestsRepository } from "./site-requests.repository.js";
import { SiteResourcesRepository } from "./site-resources.repository.js";
import { SiteTrafficRepository } from "./site-traffic.repository.js";
import { SiteVariablesRepository } from "./site-variables.repository.js";
import { SitesRepository } from "./sites.repository.js";
import { SshKeysRepository } from "./ssh-keys.repository.js";
import { UsageAlertsRepository } from "./usage-alerts.repository.js";
import { UsersRepository } from "./users.repository.js";

/** One repository per aggregate. */
export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  sites: SitesRepository;
  images: ImagesRepository;
  operations: OperationsRepository;
  /** unfinished operations' ids for the broker (used outside a unit of work: it takes its own transaction) */
  operationOutbox: OperationOutboxRepository;
  audit: AuditRepository;
  siteRequests: SiteRequestsRepository;
  mailOutbox: MailOutboxRepository;
  siteDomains: SiteDomainsRepository;
  siteFormerNames: SiteFormerNamesRepository;
  sshKeys: SshKeysRepository;
  shellServerReport: ShellServerReportRepository;
  databaseHosts: DatabaseHostsRepository;
  siteDatabases: SiteDatabasesRepository;
  siteTraffic: SiteTrafficRepository;
  siteResources: SiteResourcesRepository;
  siteDisk: SiteDiskRepository;
  siteVariables: SiteVariablesRepository;
  graduatingClass: GraduatingClassRepository;
  courses: CoursesRepository;
  usageAlerts: UsageAlertsRepository;
  /** a read model: the site list's pages, in one statement each */
  siteListing: SiteListingQuery;
}

/** Every repository on `db` (the database itself, or a transaction of it). */
export function repositoriesOn(db: DatabaseHandle): Repositories {
  return {
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    sites: new SitesRepository(db),
    images: new ImagesRepository(db),
    operations: new OperationsRepository(db),
    operationOutbox: new OperationOutboxRepository(db),
    audit: new AuditRepository(db),
    siteRequests: new SiteRequestsRepository(db),
    mailOutbox: new MailOutboxRepository(db),
    siteDomains: new SiteDomainsRepository(db),
    siteFormerNames: new SiteFormerNamesRepository(db),
    sshKeys: new SshKeysRepository(db),
    shellServerReport: new ShellServerReportRepository(db),
    databaseHosts: new DatabaseHostsRepository(db),
    siteDatabases: new SiteDatabasesRepository(db),
    siteTraffic: new SiteTrafficRepository(db),
    siteResources: new SiteResourcesRepository(db),
    siteDisk: new SiteDiskRepository(db),
    siteVariables: new SiteVariablesRepository(db),
    graduatingClass: new GraduatingClassRepository(db),
    courses: new CoursesRepository(db),
    usageAlerts: new UsageAlertsRepository(db),
    siteListing: new SiteListingQuery(db),
  };
}

/** Runs work in one transaction: the repositories it gets all write in it; a throw rolls every write back. */
export type InTransaction = <T>(work: (repositories: Repositories) => Promise<T>) => Promise<T>;

/** The unit of work of `db`. */
export function unitOfWork(db: DatabaseHandle): InTransaction {
  return (work) => db.transaction().execute((transaction) => work(repositoriesOn(transaction)));
}
