/**
 * The shapes the web interface shows, from packages/contracts (type-only: no zod reaches the bundle), and the few
 * names pages use for parts of them.
 */
import type {
  auditPageSchema,
  CreateSiteRequest,
  guidelinesViewSchema,
  ImageView,
  InviteUserRequest,
  MassMailRequest,
  MassMailResult,
  OperationView,
  SiteListItemView,
  SiteMemberView,
  SiteRequestView,
  SiteView,
  UpdateUserRequest,
  UserView,
  userListResponseSchema,
} from "@director/contracts/manager-api";
import type { ReconcileReport } from "@director/contracts/manager-reconcile";
import type {
  CreateDatabaseHostRequest,
  DatabaseHostView,
  UpdateDatabaseHostRequest,
} from "@director/contracts/manager-routes-database-hosts";
import type { SiteDomainView } from "@director/contracts/manager-routes-domains";
import type { LargeSiteDatabaseView, SiteDatabaseView } from "@director/contracts/manager-routes-site-databases";
import type { SshInfo, SshKeyView } from "@director/contracts/manager-routes-ssh";
import type {
  PlatformOverviewView,
  SiteDiskView,
  SiteUsageView,
  TrafficPointView,
} from "@director/contracts/manager-routes-usage";
import type { SiteStatementAnswer } from "@director/contracts/orchestrator-databases";
import type { DirectoryListing, FileWritten } from "@director/contracts/orchestrator-files";
import type { SiteServiceStatus } from "@director/contracts/orchestrator-services";
import type { z } from "zod";

export type { CourseView, RosterReport } from "@director/contracts/manager-routes-courses";

export type {
  CreateDatabaseHostRequest,
  CreateSiteRequest,
  DatabaseHostView,
  DirectoryListing,
  FileWritten,
  ImageView,
  InviteUserRequest,
  LargeSiteDatabaseView,
  MassMailRequest,
  MassMailResult,
  OperationView,
  PlatformOverviewView,
  ReconcileReport,
  SiteDatabaseView,
  SiteDiskView,
  SiteDomainView,
  SiteListItemView,
  SiteMemberView,
  SiteRequestView,
  SiteServiceStatus,
  SiteStatementAnswer,
  SiteUsageView,
  SiteView,
  SshInfo,
  SshKeyView,
  TrafficPointView,
  UpdateDatabaseHostRequest,
  UpdateUserRequest,
  UserView,
};
export type FileEntry = DirectoryListing["entries"][number];
export type SiteAvailability = SiteView["availability"];
export type SiteRequestStatus = SiteRequestView["status"];
export type UserRole = UserView["role"];
export type GuidelinesView = z.infer<typeof guidelinesViewSchema>;
export type UserPage = z.infer<typeof userListResponseSchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
export type AuditEventView = AuditPage["events"][number];
export type OperationFilter = "failed" | "all";

/** The fields an administrator may set on a site (null: back to the platform default). */
export interface SiteLimits {
  cpus?: number | null;
  memoryMib?: number | null;
  clientBodyLimitBytes?: number | null;
}

/** What a student fills in to ask for an activity site. */
export interface SiteRequestInput {
  activity: string;
  /** the site's name, made from the activity unless the student changes it */
  siteName: string;
  /** the sponsor teacher's username */
  sponsor: string;
  details: string;
  agreement: boolean;
}

/** The audit log's filters. */
export interface AuditQuery {
  actor?: string;
  site?: string;
  action?: string;
  limit: number;
  before?: string;
}
