/**
 * The manager's routes about sites: the sites themselves, their process and log, files, members, images, requests for
 * activity sites and operations. Paths come from manager-paths.ts; who may call each route is checked before anything
 * of it is read, and what a person may do to a given site is then decided by the feature's policy.
 */
import { z } from "zod";
import {
  adminDecisionRequestSchema,
  createImageRequestSchema,
  createSiteRequestRequestSchema,
  createSiteRequestSchema,
  deleteSiteRequestSchema,
  imageViewSchema,
  operationViewSchema,
  siteAdminCommentRequestSchema,
  siteDescriptionRequestSchema,
  siteImageChangeRequestSchema,
  siteListItemViewSchema,
  siteListQuerySchema,
  siteRequestViewSchema,
  siteViewSchema,
  teacherDecisionRequestSchema,
  updateImageRequestSchema,
} from "./manager-api.js";
import {
  idParamsSchema,
  imageParamsSchema,
  siteFileParamsSchema,
  siteParamsSchema,
  siteRequestListQuerySchema,
  waitQuerySchema,
} from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import {
  changeSiteTypeRequestSchema,
  renameSiteRequestSchema,
  siteAvailabilityRequestSchema,
  siteLimitsRequestSchema,
} from "./manager-site-settings.js";
import {
  directoryListingSchema,
  directoryPageQuerySchema,
  fileChangedSchema,
  fileChangeSchema,
  fileWrittenSchema,
} from "./orchestrator-files.js";
import { siteLogsSchema, siteServiceStatusSchema } from "./orchestrator-services.js";
import { route } from "./route.js";
import { text } from "./text.js";

const { sites, process, files, images, siteRequests, operations } = managerPaths;

/** `{ operation }`: the answer of every route that queues an operation (200 once it succeeded, else 202). */
const operationAnswer = z.object({ operation: operationViewSchema });

/** A change of a site that queues an operation: `?wait=true` answers once it has ended. */
function siteOperation<P extends { method: "PATCH" | "POST" | "PUT"; path: string }, B extends z.ZodType | undefined>(
  path: P,
  summary: string,
  body: B,
) {
  return route({
    ...path,
    caller: "person",
    summary,
    params: siteParamsSchema,
    query: waitQuerySchema,
    body,
    answer: operationAnswer,
    answerKind: "json",
  });
}

export const siteRoutes = {
  list: route({
    ...sites.list,
    caller: "person",
    summary: "the caller's sites (all for administrators) matching a search, paged",
    query: siteListQuerySchema,
    answer: z.object({
      sites: z.array(siteListItemViewSchema),
      total: z.number(),
      limit: z.number(),
      offset: z.number(),
    }),
    answerKind: "json",
  }),
  create: route({
    ...sites.create,
    caller: "person",
    summary: "create a site (201 once ready with ?wait=true, else 202 with its operation)",
    query: waitQuerySchema,
    body: createSiteRequestSchema,
    answer: z.object({ site: siteViewSchema, operation: operationViewSchema }),
    answerKind: "json",
  }),
  get: route({
    ...sites.get,
    caller: "person",
    summary: "one site, with its members and its current operation",
    params: siteParamsSchema,
    answer: siteViewSchema,
    answerKind: "json",
  }),
  changeType: siteOperation(sites.changeType, "make the site static or dynamic", changeSiteTypeRequestSchema),
  remove: route({
    ...sites.remove,
    caller: "person",
    summary: "delete the site, its files and its process (its name typed again)",
    params: siteParamsSchema,
    query: waitQuerySchema,
    body: deleteSiteRequestSchema,
    answer: operationAnswer,
    answerKind: "json",
  }),
  restart: siteOperation(sites.restart, "restart a dynamic site's process", undefined),
  rename: siteOperation(
    sites.rename,
    "rename the site (not a personal one); its old name redirects to the new one for a while",
    renameSiteRequestSchema,
  ),
  setAvailability: siteOperation(
    sites.setAvailability,
    "serve, stop serving or disable the site (administrators)",
    siteAvailabilityRequestSchema,
  ),
  setLimits: siteOperation(
    sites.setLimits,
    "the site's CPU, memory and body limits (administrators)",
    siteLimitsRequestSchema,
  ),
  setImage: siteOperation(
    sites.setImage,
    "the image a dynamic site runs, with extra packages",
    siteImageChangeRequestSchema,
  ),
  setDescription: route({
    ...sites.setDescription,
    caller: "person",
    summary: "the site's description",
    params: siteParamsSchema,
    body: siteDescriptionRequestSchema,
    answer: siteViewSchema,
    answerKind: "json",
  }),
  setAdminComment: route({
    ...sites.setAdminComment,
    // Administrators only, decided by the site policy: others learn nothing of a site they cannot see (404).
    caller: "person",
    summary: "an administrator's comment for the site's members",
    params: siteParamsSchema,
    body: siteAdminCommentRequestSchema,
    answer: siteViewSchema,
    answerKind: "json",
  }),
};

/** `?tailLines=N`: the newest lines of the log first (1-1000; the live follow also takes 0, "from now on"). */
export const siteLogsQuerySchema = z.object({ tailLines: z.coerce.number().int().min(1).max(1000).default(100) });
export const siteLogsFollowQuerySchema = z.object({
  tailLines: z.coerce.number().int().min(0).max(1000).default(100),
});

export const processRoutes = {
  status: route({
    ...process.status,
    caller: "person",
    summary: "whether the site's process runs, and if not, why",
    params: siteParamsSchema,
    answer: siteServiceStatusSchema,
    answerKind: "json",
  }),
  logs: route({
    ...process.logs,
    caller: "person",
    summary: "the newest lines of the process's output",
    params: siteParamsSchema,
    query: siteLogsQuerySchema,
    answer: siteLogsSchema,
    answerKind: "json",
  }),
  followLogs: route({
    ...process.followLogs,
    caller: "person",
    summary: "the log live, as Server-Sent Events (limited per account and in all)",
    params: siteParamsSchema,
    query: siteLogsFollowQuerySchema,
    answerKind: "stream",
  }),
};

/**
 * `?mode=755` makes a written file executable (a run.sh); only 644 and 755 are offered. `?ifModifiedAt=` (a listing's
 * modifiedAt) saves only over that version of the file: 409 FILE_CHANGED when another one (or none) is on disk.
 */
export const fileWriteQuerySchema = z.object({
  mode: z.enum(["644", "755"]).optional(),
  ifModifiedAt: text().max(64).optional(),
});

export const fileRoutes = {
  listTop: route({
    ...files.listTop,
    caller: "person",
    summary: "one page of the site directory's listing",
    params: siteParamsSchema,
    query: directoryPageQuerySchema,
    answer: directoryListingSchema,
    answerKind: "json",
  }),
  read: route({
    ...files.read,
    caller: "person",
    summary: "a file (as an attachment) or, for a directory, one page of its listing (JSON)",
    params: siteFileParamsSchema,
    query: directoryPageQuerySchema,
    // the answer when the path is a directory; a file's bytes are written by the handler
    answer: directoryListingSchema,
    answerKind: "bytes",
  }),
  write: route({
    ...files.write,
    caller: "person",
    summary: "write a file (the raw request body)",
    params: siteFileParamsSchema,
    query: fileWriteQuerySchema,
    bodyKind: "bytes",
    answer: fileWrittenSchema,
    answerKind: "json",
  }),
  remove: route({
    ...files.remove,
    caller: "person",
    summary: "remove a file, a link or an empty directory; `?recursive=true` a directory with everything in it",
    params: siteFileParamsSchema,
    query: z.object({ recursive: z.enum(["true", "false"]).default("false") }),
    answerKind: "empty",
  }),
  change: route({
    ...files.change,
    caller: "person",
    summary:
      '`{action:"mkdir"}` makes the folder, `{action:"move",to}` moves or renames, `{action:"chmod",mode}` (`755`, `+x`, `-x`)',
    params: siteFileParamsSchema,
    body: fileChangeSchema,
    answer: fileChangedSchema,
    answerKind: "json",
  }),
  zipTop: route({
    ...files.zipTop,
    caller: "person",
    summary: "the whole site as a zip (streamed; 413 ZIP_TOO_LARGE past the limits)",
    params: siteParamsSchema,
    answerKind: "bytes",
  }),
  zip: route({
    ...files.zip,
    caller: "person",
    summary: "a folder of the site as a zip (streamed; 413 ZIP_TOO_LARGE past the limits)",
    params: siteFileParamsSchema,
    answerKind: "bytes",
  }),
};

export const imageRoutes = {
  list: route({
    ...images.list,
    caller: "person",
    summary: "the images a site may run (all of them, with their recipes, for administrators)",
    answer: z.object({ images: z.array(imageViewSchema) }),
    answerKind: "json",
  }),
  create: route({
    ...images.create,
    caller: "admin",
    summary: "publish an image",
    body: createImageRequestSchema,
    answer: imageViewSchema,
    answerKind: "json",
    status: 201,
  }),
  update: route({
    ...images.update,
    caller: "admin",
    summary: "change a published image",
    params: imageParamsSchema,
    body: updateImageRequestSchema,
    answer: imageViewSchema,
    answerKind: "json",
  }),
  remove: route({
    ...images.remove,
    caller: "admin",
    summary: "remove an image no site uses",
    params: imageParamsSchema,
    answerKind: "empty",
  }),
};

export const siteRequestRoutes = {
  list: route({
    ...siteRequests.list,
    caller: "person",
    summary: "the requests the caller made, sponsors or (administrators) all, paged",
    query: siteRequestListQuerySchema,
    answer: z.object({
      requests: z.array(siteRequestViewSchema),
      total: z.number(),
      limit: z.number(),
      offset: z.number(),
    }),
    answerKind: "json",
  }),
  get: route({
    ...siteRequests.get,
    caller: "person",
    summary: "one request",
    params: idParamsSchema,
    answer: siteRequestViewSchema,
    answerKind: "json",
  }),
  create: route({
    ...siteRequests.create,
    caller: "person",
    summary: "ask for an activity site, sponsored by a teacher",
    body: createSiteRequestRequestSchema,
    answer: siteRequestViewSchema,
    answerKind: "json",
    status: 201,
  }),
  teacherDecision: route({
    ...siteRequests.teacherDecision,
    caller: "person",
    summary: "the sponsor approves or rejects",
    params: idParamsSchema,
    body: teacherDecisionRequestSchema,
    answer: siteRequestViewSchema,
    answerKind: "json",
  }),
  adminDecision: route({
    ...siteRequests.adminDecision,
    // Administrators only, decided by the requests' policy: others learn nothing of a request they cannot see (404).
    caller: "person",
    summary: "an administrator approves (the site is created) or rejects",
    params: idParamsSchema,
    query: waitQuerySchema,
    body: adminDecisionRequestSchema,
    answer: z.object({ request: siteRequestViewSchema, operation: operationViewSchema.nullable() }),
    answerKind: "json",
  }),
};

export const operationRoutes = {
  get: route({
    ...operations.get,
    caller: "person",
    summary: "an operation and its steps (its starter while they may see the site, the site's members, administrators)",
    params: idParamsSchema,
    answer: operationViewSchema,
    answerKind: "json",
  }),
  events: route({
    ...operations.events,
    caller: "person",
    summary: "the operation live, as Server-Sent Events, until it ends",
    params: idParamsSchema,
    answerKind: "stream",
  }),
};
