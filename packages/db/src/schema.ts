/**
 * Kysely's view of the database: one interface per table, column names as in SQL (snake_case).
 * Repositories map rows to the camelCase domain types in `models.ts`; nothing else reads these.
 */

import type { SessionKind } from "@director/domain/user";
import type { UserRole } from "@director/domain/user-role";
import type { ColumnType, Generated, JSONColumnType } from "kysely";
import type { OperationOutboxTable } from "./schema-outbox.js";
import type { CourseStudentsTable, CoursesTable, SiteFormerNamesTable } from "./schema-school.js";

/** A timestamptz that the database fills in by default (pg returns it as a Date). */
type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** Operation and step status, checked by the database too. */
export type OperationStatusColumn = "pending" | "running" | "succeeded" | "failed";

/** A person's role at the institution (see packages/domain/src/user-role.ts). */
export type { UserRole };

/** Accounts. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: Generated<string>;
  email: Generated<string>;
  /** argon2id PHC string; null for accounts that log in elsewhere */
  password_hash: string | null;
  is_superuser: Generated<boolean>;
  is_active: Generated<boolean>;
  created_at: CreatedAt;
  /** student, teacher or service (an account for a program); administrators are superusers of any role */
  role: Generated<UserRole>;
  graduation_year: number | null;
  /** the identity provider's `sub` claim, for accounts that log in with OpenID Connect */
  oidc_subject: string | null;
  guidelines_accepted_at: Date | null;
  /** the version of the guidelines accepted at guidelines_accepted_at; null: accepted before versions were recorded */
  guidelines_version: string | null;
  /** null: invited by username and never logged in */
  last_login_at: Date | null;
}

/** Login sessions, keyed by the sha-256 hex of the token; the raw token is never stored. */
export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Date;
  last_seen_at: Generated<Date>;
  /** `web` (the web interface and API) or `shell` (the shell server's channels only); 0014 */
  kind: Generated<SessionKind>;
}

/** Hosted sites. */
export interface SitesTable {
  id: Generated<number>;
  name: string;
  type: "static" | "dynamic";
  purpose: "personal" | "project" | "activity" | "other";
  description: Generated<string>;
  availability: Generated<"enabled" | "not-served" | "disabled">;
  /** null means the platform default */
  client_body_limit_bytes: number | null;
  cpus: number | null;
  memory_mib: number | null;
  /** the chosen published image; null means the default image */
  image_id: number | null;
  extra_packages: ColumnType<string[], string[] | undefined, string[]>;
  /** the last image built successfully for the site (what its service runs); null means the base image */
  image_ref: string | null;
  /** an administrator's comment, shown to the site's members */
  admin_comment: Generated<string>;
  /** grows with every change of the row or of the site's members (triggers keep it, migration 0010) */
  revision: Generated<number>;
  /** the site's own domains, and those served over HTTPS (an active certificate), sorted; kept by a trigger (0011) */
  domains: ColumnType<string[], never, never>;
  https_domains: ColumnType<string[], never, never>;
  /** lower(description), kept by PostgreSQL for the search (0012) */
  description_lower: ColumnType<string, never, never>;
  ready_at: Date | null;
  created_at: CreatedAt;
}

/** The number of sites, kept by statement triggers on `sites` (0012): the unfiltered site list's total. One row. */
export interface SiteTotalsTable {
  only_row: ColumnType<boolean, never, never>;
  site_count: ColumnType<string, never, never>;
}

/** Images administrators publish for sites to run. */
export interface ImagesTable {
  id: Generated<number>;
  name: string;
  friendly_name: string;
  description: Generated<string>;
  logo_url: string | null;
  is_user_visible: Generated<boolean>;
  /** a Docker image reference */
  parent_ref: string;
  /** administrator-trusted shell run as root when a site's image is built */
  setup_commands: Generated<string>;
  /** administrator-trusted command the quoted package names are appended to; "" when the image takes none */
  install_command_prefix: Generated<string>;
  run_sh_template: Generated<string>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

/** Who may work on a site. */
export interface SiteMembersTable {
  site_id: number;
  user_id: number;
}

/** Durable multi-step changes; `site_name` outlives the site for history. */
export interface OperationsTable {
  id: Generated<number>;
  site_id: number | null;
  site_name: string;
  kind: string;
  status: Generated<OperationStatusColumn>;
  created_by: number | null;
  created_at: CreatedAt;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  /** what the operation was asked to apply, when the site row does not hold it yet (an image change) */
  input: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

/** The ordered steps of an operation. */
export interface OperationStepsTable {
  operation_id: number;
  position: number;
  slug: string;
  name: string;
  status: Generated<OperationStatusColumn>;
  attempts: Generated<number>;
  started_at: Date | null;
  finished_at: Date | null;
  message: Generated<string>;
}

/** Who did what, for administrators. */
export interface AuditEventsTable {
  /** bigint: pg returns int8 as a string so no precision is lost */
  id: ColumnType<string, never, never>;
  at: CreatedAt;
  actor_user_id: number | null;
  action: string;
  target: string;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
}

/** Where a site request stands; see packages/domain/src/site-request.ts. */
export type SiteRequestStatusColumn =
  | "awaiting_teacher"
  | "awaiting_admin"
  | "approved"
  | "rejected_by_teacher"
  | "rejected_by_admin";

/** A student's request for an activity site, with the sponsor's and an administrator's decisions. */
export interface SiteRequestsTable {
  id: Generated<number>;
  requester_id: number;
  sponsor_id: number;
  activity: string;
  site_name: string;
  details: Generated<string>;
  agreed_at: Date;
  status: Generated<SiteRequestStatusColumn>;
  teacher_comment: Generated<string>;
  teacher_decided_at: Date | null;
  admin_id: number | null;
  admin_public_comment: Generated<string>;
  admin_private_comment: Generated<string>;
  admin_decided_at: Date | null;
  site_id: number | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

/** Email waiting to be sent, or sent, or given up (see mail-outbox.repository.ts). */
export interface MailOutboxTable {
  id: Generated<number>;
  recipients: ColumnType<string[], string[], string[]>;
  subject: string;
  body: string;
  created_at: CreatedAt;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  sent_at: Date | null;
  last_error: string | null;
  gave_up_at: Date | null;
}

/** Every table Director owns. */
/** Where a site's own domain stands: its DNS, its certificate. */
export type SiteDomainStatusColumn = "waiting_dns" | "issuing" | "active" | "failed" | "removing";

/** A site's own domains (migration 0011); a domain belongs to one site at most. */
export interface SiteDomainsTable {
  id: Generated<number>;
  site_id: number;
  /** normalised (packages/domain/src/custom-domain.ts) */
  domain: string;
  status: Generated<SiteDomainStatusColumn>;
  /** why it waits or failed, in words for the site's members; "" when active */
  status_message: Generated<string>;
  certificate_not_after: Date | null;
  /** failed attempts in a row (DNS or certificate), for the backoff */
  failures: Generated<number>;
  /** when the next check or renewal is due; null: nothing due */
  next_attempt_at: Date | null;
  /** when administrators were told of the current failure; null: not yet (or it is not failed) */
  failure_alerted_at: Date | null;
  /** when administrators were told the current certificate nears its expiry; null: not yet */
  expiry_alerted_at: Date | null;
  created_by: number | null;
  created_at: CreatedAt;
}

/** A person's SSH public keys (migration 0013); a fingerprint belongs to one account at most. */
export interface SshKeysTable {
  id: Generated<number>;
  user_id: number;
  label: string;
  algorithm: string;
  /** base64 of the key blob */
  key_data: string;
  /** `SHA256:<base64 without padding>` of the blob */
  fingerprint: string;
  bits: number;
  created_at: CreatedAt;
  last_used_at: Date | null;
}

/** The shell server's last report (0013): one row, replaced by each report. */
export interface ShellServerReportTable {
  only_row: ColumnType<boolean, never, never>;
  host_keys: JSONColumnType<Array<{ algorithm: string; fingerprint: string }>, string, string>;
  port: number;
  reported_at: ColumnType<Date, Date | undefined, Date>;
}

/** Database hosts administrators register for site databases (0015); the admin URL only sealed. */
export interface DatabaseHostsTable {
  id: Generated<number>;
  name: string;
  kind: "postgres" | "mysql";
  site_host: string;
  site_port: number;
  /** `v1:<iv>:<tag>:<ciphertext>` (the manager's SecretBox) */
  admin_url_encrypted: string;
  max_databases: number;
  is_accepting: boolean;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A site's database on a registered host (0016); passwords only sealed. */
export interface SiteDatabasesTable {
  site_id: number;
  host_id: number;
  name: string | null;
  password_encrypted: string;
  next_password_encrypted: string | null;
  status: "creating" | "ready" | "removing";
  /** bigint (pg answers a string): an administrator's limit; null: the configured default */
  size_limit_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  /** bigint: the size last measured; null: not yet */
  size_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  size_measured_at: Date | null;
  /** since when its writes are stopped for being past its limit; null: they are not */
  writes_stopped_at: Date | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A site's traffic in one minute or one hour (0018); bigints come back from pg as strings. */
export interface SiteTrafficTable {
  site_id: number;
  period_start: Date;
  requests: ColumnType<string, number, number>;
  bytes_sent: ColumnType<string, number, number>;
  status_2xx: ColumnType<string, number, number>;
  status_3xx: ColumnType<string, number, number>;
  status_4xx: ColumnType<string, number, number>;
  status_5xx: ColumnType<string, number, number>;
  request_time_ms_sum: ColumnType<string, number, number>;
  request_time_ms_max: number;
}

/** What a site's process used in one minute or one hour (0019); bigints come back from pg as strings. */
export interface SiteResourcesTable {
  site_id: number;
  period_start: Date;
  cpu_ms: ColumnType<string, number, number>;
  memory_max_bytes: ColumnType<string, number, number>;
  memory_limit_bytes: ColumnType<string | null, number | null, number | null>;
}

/** When a site was last alerted about its use, by kind (0020). */
export interface UsageAlertsTable {
  site_id: number;
  kind: "server_errors" | "memory_limit" | "disk_quota" | "restart_loop" | "oom_killed";
  sent_at: Date;
  details: ColumnType<string, string | undefined, string>;
}

/** Each site's last measure of its volume (0021). */
export interface SiteDiskUsageTable {
  site_id: number;
  used_bytes: ColumnType<string, number, number>;
  quota_bytes: ColumnType<string, number, number>;
  used_inodes: ColumnType<string, number, number>;
  total_inodes: ColumnType<string, number, number>;
  measured_at: Date;
}

/** A site's process that crashed or was killed for memory (0021). */
export interface SiteProcessEventsTable {
  container_id: string;
  kind: "crash" | "oom";
  site_id: number;
  at: Date;
  exit_code: number | null;
}

/** The most a site's volume held in an hour, and its quota then (0021). */
export interface SiteDiskHoursTable {
  site_id: number;
  period_start: Date;
  used_max_bytes: ColumnType<string, number, number>;
  quota_bytes: ColumnType<string, number, number>;
}

/** An administrator's own disk quota for a site (0021). */
export interface SiteDiskQuotasTable {
  site_id: number;
  quota_bytes: ColumnType<string, number, number>;
  set_at: Date;
}

/** A site's environment variable or secret (0022); a secret's value is sealed. */
export interface SiteVariablesTable {
  site_id: number;
  name: string;
  value: string;
  is_secret: boolean;
  updated_at: Date;
}

/** Where the manager is in a usage source (0018): an orchestrator's traffic log. */
export interface UsageCursorsTable {
  source: string;
  cursor: JSONColumnType<Record<string, unknown>>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  sites: SitesTable;
  images: ImagesTable;
  site_members: SiteMembersTable;
  operations: OperationsTable;
  operation_steps: OperationStepsTable;
  audit_events: AuditEventsTable;
  site_requests: SiteRequestsTable;
  mail_outbox: MailOutboxTable;
  site_domains: SiteDomainsTable;
  site_totals: SiteTotalsTable;
  ssh_keys: SshKeysTable;
  shell_server_report: ShellServerReportTable;
  database_hosts: DatabaseHostsTable;
  site_databases: SiteDatabasesTable;
  site_traffic_minutes: SiteTrafficTable;
  site_traffic_hours: SiteTrafficTable;
  site_resource_minutes: SiteResourcesTable;
  site_resource_hours: SiteResourcesTable;
  usage_alerts: UsageAlertsTable;
  site_disk_usage: SiteDiskUsageTable;
  site_disk_quotas: SiteDiskQuotasTable;
  site_disk_hours: SiteDiskHoursTable;
  site_process_events: SiteProcessEventsTable;
  site_variables: SiteVariablesTable;
  courses: CoursesTable;
  course_students: CourseStudentsTable;
  site_former_names: SiteFormerNamesTable;
  operation_outbox: OperationOutboxTable;
  usage_cursors: UsageCursorsTable;
}
