/** Domain-shaped records the repositories return: camelCase fields, Dates, branded ids. Sites live in @director/domain/site. */
import type { ImageName } from "@director/domain/image-name";
import type { Site, SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import type { SiteRequestStatus } from "@director/domain/site-request";
import type { Username } from "@director/domain/username";
import type { UserRole } from "./schema.js";

/** An account. */
export interface User {
  id: number;
  username: Username;
  displayName: string;
  email: string;
  /** argon2id PHC string; null for accounts that log in elsewhere */
  passwordHash: string | null;
  isSuperuser: boolean;
  isActive: boolean;
  createdAt: Date;
  role: UserRole;
  graduationYear: number | null;
  oidcSubject: string | null;
  /** when the guidelines were last accepted; null: never */
  guidelinesAcceptedAt: Date | null;
  /** the version accepted then; null: accepted before versions were recorded */
  guidelinesVersion: string | null;
  /** null: invited by username and never logged in */
  lastLoginAt: Date | null;
}

/** A login session; only the sha-256 hex of its token is known. */
export interface Session {
  tokenHash: string;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
}

/** A site with the columns only the platform needs besides the domain's view of it. */
export interface SiteRecord extends Site {
  /** largest request body nginx accepts for this site; null means the platform default */
  clientBodyLimitBytes: number | null;
  /** CPUs a dynamic site's process may use; null means the platform default */
  cpus: number | null;
  /** memory a dynamic site's process may use, in MiB; null means the platform default */
  memoryMib: number | null;
  /** the published image the site chose; null means the default image */
  imageId: number | null;
  /** extra packages installed into the site's own image, sorted */
  extraPackages: string[];
  /** the last image built successfully for the site, which its service runs; null means the base image */
  imageRef: string | null;
  /** an administrator's comment, shown to the site's members ("" for none) */
  adminComment: string;
  /** grows with every change of the site or of its members: a page that shows it reads it again when it grew */
  revision: number;
}

/** An image administrators publish: what a site's own image is built from. */
export interface ImageRecord {
  id: number;
  name: ImageName;
  friendlyName: string;
  description: string;
  logoUrl: string | null;
  isUserVisible: boolean;
  /** a Docker image reference */
  parentRef: string;
  setupCommands: string;
  installCommandPrefix: string;
  runShTemplate: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Status of an operation or of one of its steps. */
export type OperationStatus = "pending" | "running" | "succeeded" | "failed";

/** One step of an operation, in `position` order. */
export interface OperationStep {
  operationId: number;
  position: number;
  slug: string;
  name: string;
  status: OperationStatus;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  message: string;
}

/** A durable multi-step change to a site; `siteId` is null once the site is deleted, `siteName` stays. */
export interface Operation {
  id: number;
  siteId: SiteId | null;
  siteName: SiteName;
  kind: string;
  status: OperationStatus;
  createdBy: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  /** what the operation was asked to apply when the site row does not hold it yet; null for most kinds */
  input: Record<string, unknown> | null;
  steps: OperationStep[];
}

/** One entry of the audit log. */
export interface AuditEvent {
  id: string;
  at: Date;
  actorUserId: number | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

/** One party of a site request, as the request shows them. */
export interface SiteRequestParty {
  id: number;
  username: Username;
  displayName: string;
  email: string;
}

/** A student's request for an activity site, with both decisions; `siteId`/`siteName` once approved. */
export interface SiteRequestRecord {
  id: number;
  requester: SiteRequestParty;
  sponsor: SiteRequestParty;
  activity: string;
  /** the site name asked for (checked against the grammar when the request was made) */
  requestedSiteName: string;
  details: string;
  agreedAt: Date;
  status: SiteRequestStatus;
  teacherComment: string;
  teacherDecidedAt: Date | null;
  adminPublicComment: string;
  adminPrivateComment: string;
  adminDecidedAt: Date | null;
  /** the site created on approval; null before, and after that site is deleted */
  siteId: SiteId | null;
  /** that site's name (it may have been renamed since) */
  createdSiteName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A message to send; the shape of the manager's MailMessage, so its builders' output is enqueued as it is. */
export interface NewOutboxMail {
  to: readonly string[];
  subject: string;
  text: string;
}

/** A message in the mail outbox and where its delivery stands. */
export interface OutboxMail extends NewOutboxMail {
  id: number;
  to: string[];
  createdAt: Date;
  /** tries so far, the one that succeeded included */
  attempts: number;
  /** when a dispatcher may take it next (pushed forward by a dispatcher's lease while it sends) */
  nextAttemptAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  /** set when the retries ran out; the message is not tried again */
  gaveUpAt: Date | null;
}
