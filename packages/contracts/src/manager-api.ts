/** The manager's public JSON API: request bodies (parsed at the edge) and response shapes. */
import { operationStatuses } from "@director/domain/operation";
import { siteAvailabilities, sitePurposes, siteTypes } from "@director/domain/site";
import { siteRequestStatuses } from "@director/domain/site-request";
import { userRoles } from "@director/domain/user-role";
import { z } from "zod";
import { email, httpUrl, text } from "./text.js";

export const loginRequestSchema = z.object({
  username: text().min(1).max(64),
  password: text().min(1).max(1024),
});

/** A person's role at the institution. */
export const userRoleSchema = z.enum(userRoles);

export const userViewSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  /** an administrator */
  isSuperuser: z.boolean(),
  role: userRoleSchema,
  isActive: z.boolean(),
  graduationYear: z.number().nullable(),
  /**
   * false until the user accepts the current version of the guidelines (again after the text changed; always true
   * for service accounts); every other API call answers GUIDELINES_NOT_ACCEPTED until then
   */
  guidelinesAccepted: z.boolean(),
  /** null: invited, never logged in */
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userViewSchema>;

export const loginResponseSchema = z.object({
  user: userViewSchema,
  /** the session token, also set as the httpOnly cookie; send it as `Authorization: Bearer` from scripts */
  token: z.string(),
  expiresAt: z.string(),
});

export const createSiteRequestSchema = z.object({
  /** optional for a personal site, which is named after its owner */
  name: text().max(64).optional(),
  type: z.enum(siteTypes).default("static"),
  purpose: z.enum(sitePurposes).default("project"),
  description: text().max(2000).default(""),
});
export type CreateSiteRequest = z.infer<typeof createSiteRequestSchema>;

/** GET /api/sites: a page of the caller's sites (all for administrators) matching `q` (see the search syntax). */
export const siteListQuerySchema = z.object({
  /** `id:N name:x desc:x user:x` and plain words, all of which must match */
  q: text().max(500).default(""),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** DELETE /api/sites/:name: the site's name typed again, so a slip of the hand deletes nothing. */
export const deleteSiteRequestSchema = z.object({ confirmName: text().max(64).optional() }).strict();

/** PUT /api/sites/:name/description */
export const siteDescriptionRequestSchema = z.object({ description: text().max(2000) }).strict();

/** POST /api/sites/:name/members: a username; an account that does not exist yet is invited (made at first login). */
export const addSiteMemberRequestSchema = z.object({ username: text().max(64) }).strict();

/** A member of a site as its page lists them. */
export const siteMemberViewSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  role: z.enum(userRoles),
  /** invited by username, has not logged in yet */
  isInvited: z.boolean(),
});
export type SiteMemberView = z.infer<typeof siteMemberViewSchema>;

/** POST /api/site-requests: a student asks for an activity (club) site, sponsored by a teacher. */
export const createSiteRequestRequestSchema = z
  .object({
    activity: text().trim().min(1).max(64),
    siteName: text().max(64),
    /** the sponsoring teacher's username */
    sponsor: text().max(64),
    details: text().max(4000).default(""),
    /** the student accepts the guidelines and is responsible for the site's content */
    agreement: z.literal(true, { error: "must be accepted" }),
  })
  .strict();

/** POST /api/site-requests/:id/teacher-decision (the sponsor). */
export const teacherDecisionRequestSchema = z
  .object({ approve: z.boolean(), comment: text().max(2000).default("") })
  .strict();

/** POST /api/site-requests/:id/admin-decision (administrators); the private comment is for administrators only. */
export const adminDecisionRequestSchema = z
  .object({
    approve: z.boolean(),
    publicComment: text().max(2000).default(""),
    privateComment: text().max(2000).default(""),
  })
  .strict();

export const siteRequestStatusSchema = z.enum(siteRequestStatuses);

const siteRequestPartySchema = z.object({ username: z.string(), displayName: z.string() });

/** A site request as its requester, its sponsor and administrators see it. */
export const siteRequestViewSchema = z.object({
  id: z.number(),
  activity: z.string(),
  siteName: z.string(),
  details: z.string(),
  requester: siteRequestPartySchema,
  sponsor: siteRequestPartySchema,
  status: siteRequestStatusSchema,
  teacherComment: z.string(),
  teacherDecidedAt: z.string().nullable(),
  adminPublicComment: z.string(),
  /** administrators only (absent for everyone else) */
  adminPrivateComment: z.string().optional(),
  adminDecidedAt: z.string().nullable(),
  /** the site created on approval, while it exists */
  site: z.string().nullable(),
  createdAt: z.string(),
});
export type SiteRequestView = z.infer<typeof siteRequestViewSchema>;

export const operationStepViewSchema = z.object({
  position: z.number(),
  slug: z.string(),
  name: z.string(),
  status: z.enum(operationStatuses),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z.number(),
  message: z.string(),
});

export const operationViewSchema = z.object({
  id: z.number(),
  kind: z.string(),
  siteId: z.number().nullable(),
  siteName: z.string(),
  status: z.enum(operationStatuses),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  steps: z.array(operationStepViewSchema),
});
export type OperationView = z.infer<typeof operationViewSchema>;

/** An operation without its steps: what the site list shows of each site's current one (its status and kind). */
export const operationSummaryViewSchema = operationViewSchema.omit({ steps: true });
export type OperationSummaryView = z.infer<typeof operationSummaryViewSchema>;

export const siteViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  type: z.enum(siteTypes),
  purpose: z.enum(sitePurposes),
  description: z.string(),
  availability: z.enum(siteAvailabilities),
  url: z.string(),
  isReady: z.boolean(),
  members: z.array(z.string()),
  createdAt: z.string(),
  operation: operationViewSchema.nullable(),
  /** the published image the site's own image was last built from; null: the default image */
  image: z.string().nullable(),
  /** extra packages in the site's image */
  packages: z.array(z.string()),
  /** the site's own limits; null: the platform default */
  limits: z.object({
    cpus: z.number().nullable(),
    memoryMib: z.number().int().nullable(),
    clientBodyLimitBytes: z.number().int().nullable(),
  }),
  /** an administrator's comment for the site's members ("" for none), shown even while the site is disabled */
  adminComment: z.string(),
  /** grows with every change of the site or its members; the live channel's `site` message carries it */
  revision: z.number().int(),
});
export type SiteView = z.infer<typeof siteViewSchema>;

/**
 * A site as `GET /api/sites` lists it: its current operation without the steps (`GET /api/operations/:id` has them),
 * which would be most of a page's weight and of its cost (bench/scale).
 */
export const siteListItemViewSchema = siteViewSchema.extend({ operation: operationSummaryViewSchema.nullable() });
export type SiteListItemView = z.infer<typeof siteListItemViewSchema>;

/** PUT /api/sites/:name/admin-comment (administrators). */
export const siteAdminCommentRequestSchema = z.object({ comment: text().max(2000) }).strict();

/** An image administrators publish; users see the visible ones and pick one for their site. */
export const imageViewSchema = z.object({
  name: z.string(),
  friendlyName: z.string(),
  description: z.string(),
  logoUrl: z.string().nullable(),
  isUserVisible: z.boolean(),
  /** true when sites may add packages (the image has an install command) */
  acceptsPackages: z.boolean(),
  runShTemplate: z.string(),
  /** administrators only (absent for others): what a site's image is built from */
  parentRef: z.string().optional(),
  setupCommands: z.string().optional(),
  installCommandPrefix: z.string().optional(),
});
export type ImageView = z.infer<typeof imageViewSchema>;

/** True when the text has no control characters (so no newline: one line). */
function isOneLine(value: string): boolean {
  return [...value].every((character) => character >= " " && character !== "\u007f");
}

/** One line of text without control characters (an install command, a friendly name). */
const oneLine = (max: number) => text().max(max).refine(isOneLine, "must be one line without control characters");

/** POST /api/images (administrators): every field but `name`, `friendlyName` and `parentRef` has a default. */
export const createImageRequestSchema = z
  .object({
    name: text().max(64),
    friendlyName: oneLine(100).min(1),
    description: text().max(2000).default(""),
    logoUrl: httpUrl().max(2000).nullable().default(null),
    isUserVisible: z.boolean().default(true),
    /** a Docker image reference, e.g. director/base-debian:bookworm */
    parentRef: text().max(255),
    /** shell run as root when a site's image is built (trusted: administrators only), e.g. `apt-get update -qq` */
    setupCommands: text().max(20_000).default(""),
    /** the command package names are appended to, e.g. `apt-get install -y --no-install-recommends`; "" for none */
    installCommandPrefix: oneLine(500).default(""),
    runShTemplate: text().max(20_000).default(""),
  })
  .strict();
export type CreateImageRequest = z.input<typeof createImageRequestSchema>;

/** PATCH /api/images/:name (administrators): the fields to change. */
export const updateImageRequestSchema = createImageRequestSchema
  .extend({
    logoUrl: httpUrl().max(2000).nullable(),
    isUserVisible: z.boolean(),
    description: text().max(2000),
    setupCommands: createImageRequestSchema.shape.setupCommands.unwrap(),
    installCommandPrefix: oneLine(500),
    runShTemplate: text().max(20_000),
  })
  .partial()
  .strict();

/** PUT /api/sites/:name/image: the published image the site runs, and extra packages (Debian names, at most 50). */
export const siteImageChangeRequestSchema = z
  .object({
    image: text().max(64),
    packages: z.array(text().max(100)).max(1000).default([]),
    /** replace the site's run.sh with the image's run.sh template (only for an image that has one) */
    writeRunScript: z.boolean().default(false),
  })
  .strict();

/** One line of text without control characters, trimmed. */
const trimmedLine = (max: number) =>
  oneLine(max)
    .transform((value) => value.trim())
    .pipe(z.string().min(1, "must not be empty"));

const graduationYearSchema = z.number().int().min(1900).max(2200);

/** GET /api/admin/users?q=&limit=&offset= (administrators): `q` matches username, name or email. */
export const userListQuerySchema = z.object({
  q: text().max(100).default(""),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const userListResponseSchema = z.object({ users: z.array(userViewSchema), total: z.number() });

/**
 * POST /api/admin/users (administrators): invites a person by username before their first login (with the
 * institution's identity provider); the account has no password and joins its sites when they first log in.
 */
export const inviteUserRequestSchema = z
  .object({
    username: text().max(64),
    role: userRoleSchema.default("student"),
    displayName: trimmedLine(200).optional(),
    email: email().max(320).optional(),
    graduationYear: graduationYearSchema.nullable().default(null),
    isSuperuser: z.boolean().default(false),
  })
  .strict();
export type InviteUserRequest = z.infer<typeof inviteUserRequestSchema>;

/** PATCH /api/admin/users/:username (administrators): the fields to change. */
export const updateUserRequestSchema = z
  .object({
    role: userRoleSchema,
    isSuperuser: z.boolean(),
    isActive: z.boolean(),
    graduationYear: graduationYearSchema.nullable(),
  })
  .partial()
  .strict();
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

/**
 * GET /api/guidelines: the text every person accepts before using Director, once per version (when the institution
 * changes the text, everyone accepts it again).
 */
export const guidelinesViewSchema = z.object({
  text: z.string(),
  /** the version of `text`: a short hash of it (line endings and whitespace at the end do not count) */
  version: z.string(),
  /** when the caller last accepted guidelines, maybe an earlier version of them; null: never */
  acceptedAt: z.string().nullable(),
  /** the version they accepted then; null: never, or before versions were recorded */
  acceptedVersion: z.string().nullable(),
  /** they accepted this version: false also when they accepted an earlier text */
  isAccepted: z.boolean(),
});

/**
 * GET /api/admin/audit (administrators): filters, newest first. `site` is a site name, `action` an exact action
 * (`site.create`) or a prefix ending in a dot (`site.`); `before` is the `nextBefore` of the previous page.
 */
export const auditQuerySchema = z.object({
  actor: text().max(64).optional(),
  site: text().max(64).optional(),
  action: text()
    .max(100)
    .regex(/^[a-z0-9_.]+$/, "letters, digits, dots and underscores")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: text()
    .regex(/^[1-9][0-9]{0,18}$/, "an event id")
    .optional(),
});

export const auditEventViewSchema = z.object({
  id: z.string(),
  at: z.string(),
  /** the username of who did it; null for the system, an anonymous caller or a deleted account */
  actor: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const auditPageSchema = z.object({
  events: z.array(auditEventViewSchema),
  /** pass as `before` for the next (older) page; null on the last page */
  nextBefore: z.string().nullable(),
});

/**
 * POST /api/admin/mail (administrators): one plain-text message to every active person with an email address, or to
 * the listed usernames. Without `confirm: true` nothing is sent: the answer is 400 CONFIRMATION_REQUIRED with
 * `details.recipientCount`, for the UI to ask "send to N people?".
 */
export const massMailRequestSchema = z
  .object({
    subject: trimmedLine(200),
    text: text().min(1).max(100_000),
    to: z.union([z.literal("all"), z.array(text().max(64)).min(1).max(10_000)]),
    confirm: z.boolean().default(false),
  })
  .strict();
export type MassMailRequest = z.infer<typeof massMailRequestSchema>;

export const massMailResultSchema = z.object({
  recipientCount: z.number(),
  sentCount: z.number(),
  /** usernames whose message the mail server refused */
  failed: z.array(z.string()),
});
export type MassMailResult = z.infer<typeof massMailResultSchema>;
