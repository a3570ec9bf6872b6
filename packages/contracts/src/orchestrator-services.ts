/**
 * The orchestrator's routes for a dynamic site's process: its Swarm service, its image, its status and its logs.
 * Without a Docker engine each answers 503 DOCKER_UNAVAILABLE; with one that would run sites unsafely, 503 DOCKER_UNSAFE.
 */
import { siteProcessStates } from "@director/domain/site-process";
import { z } from "zod";
import { imageRefSchema, packageListSchema, siteIdParamsSchema } from "./internal-values.js";
import { route } from "./route.js";

/** The body of PUT …/service. */
export const siteServiceRequestSchema = z.object({
  isEnabled: z.boolean(),
  /** omitted: the orchestrator's configured defaults */
  limits: z
    .object({
      cpus: z.number().positive().max(64),
      memoryBytes: z.number().int().positive(),
      pidsLimit: z.number().int().positive().max(100_000),
    })
    .partial()
    .default({}),
  env: z.record(z.string(), z.string()).default({}),
  /** the image the site's process runs (what POST …/image answered); omitted: the orchestrator's base image */
  image: imageRefSchema.optional(),
});
export type SiteServiceRequest = z.input<typeof siteServiceRequestSchema>;

/** The body of POST …/image: the published image's recipe and the site's extra packages. */
export const siteImageRequestSchema = z
  .object({
    /** the published image's parent, a Docker image reference */
    parent: imageRefSchema,
    /** administrator-trusted shell script run as root during the build; "" for none */
    setupCommands: z.string().max(20_000).default(""),
    /** administrator-trusted command the quoted package names are appended to; "" when the image takes no packages */
    installCommandPrefix: z
      .string()
      .max(500)
      .refine((command) => !command.includes("\n") && !command.includes("\0"), "must be one line")
      .default(""),
    /** package names (Debian's grammar), at most 50 */
    packages: packageListSchema.default([]),
  })
  .refine((request) => request.packages.length === 0 || request.installCommandPrefix.trim() !== "", {
    message: "must be empty for an image without an install command",
    path: ["packages"],
  });
export type SiteImageRequest = z.input<typeof siteImageRequestSchema>;

export const siteImageResultSchema = z.object({
  /** the reference to put in the service request's `image` */
  image: imageRefSchema,
  /** true when this call built it (false: the parent itself, or an image built before) */
  isBuilt: z.boolean(),
});
export type SiteImageResult = z.infer<typeof siteImageResultSchema>;

/** What the site's process is doing, in words a student understands. */
export const siteServiceStatusSchema = z.object({
  state: z.enum(siteProcessStates),
  message: z.string(),
});
export type SiteServiceStatus = z.infer<typeof siteServiceStatusSchema>;

export const siteLogsSchema = z.object({ lines: z.array(z.string()) });
export type SiteLogs = z.infer<typeof siteLogsSchema>;

/** One line of a followed log, one JSON object per line of the answer (application/x-ndjson). */
export const siteLogLineSchema = z.object({ text: z.string() });
export type SiteLogLine = z.infer<typeof siteLogLineSchema>;

/** The newest lines of a log to send (0 to 1000, default 100). */
const tailLinesQuerySchema = z.object({ tailLines: z.coerce.number().int().min(0).max(1000).default(100) });

export const upsertServiceRoute = route({
  method: "PUT",
  path: "/internal/v1/sites/:id/service",
  caller: "internal",
  params: siteIdParamsSchema,
  body: siteServiceRequestSchema,
  answerKind: "empty",
  summary:
    "runs (isEnabled) or scales to zero the site's Swarm service, giving its directory to the site's account and keeping the balancer's upstream in step",
});

export const removeServiceRoute = route({
  method: "DELETE",
  path: "/internal/v1/sites/:id/service",
  caller: "internal",
  params: siteIdParamsSchema,
  answerKind: "empty",
  summary: "removes the site's service and waits for its process to end (no-op when absent)",
});

export const restartServiceRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/service/restart",
  caller: "internal",
  params: siteIdParamsSchema,
  answer: siteServiceStatusSchema,
  answerKind: "json",
  summary:
    "restarts the site's process and answers its status once the new one runs (409 SITE_NOT_READY without a service)",
});

export const serviceStatusRoute = route({
  method: "GET",
  path: "/internal/v1/sites/:id/service",
  caller: "internal",
  params: siteIdParamsSchema,
  answer: siteServiceStatusSchema,
  answerKind: "json",
  summary: "what the site's process is doing",
});

export const siteLogsRoute = route({
  method: "GET",
  path: "/internal/v1/sites/:id/logs",
  caller: "internal",
  params: siteIdParamsSchema,
  query: tailLinesQuerySchema,
  answer: siteLogsSchema,
  answerKind: "json",
  summary: "the last lines the site's process printed",
});

export const followSiteLogsRoute = route({
  method: "GET",
  path: "/internal/v1/sites/:id/logs/follow",
  caller: "internal",
  params: siteIdParamsSchema,
  query: tailLinesQuerySchema,
  /** each line of the answer */
  answer: siteLogLineSchema,
  answerKind: "stream",
  summary:
    "the newest lines, then each new one as it is printed (a restart's new task included), as NDJSON until the caller closes; a site without a process answers an error (SITE_NOT_READY)",
});

export const removeSiteImagesRoute = route({
  method: "DELETE",
  path: "/internal/v1/sites/:id/images",
  caller: "internal",
  params: siteIdParamsSchema,
  answerKind: "empty",
  summary: "removes every image of the site that no container uses (reconcile's leftovers)",
});

export const buildSiteImageRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/image",
  caller: "internal",
  params: siteIdParamsSchema,
  body: siteImageRequestSchema,
  answer: siteImageResultSchema,
  answerKind: "json",
  summary:
    "makes the image the site runs: the parent itself when nothing is added, else built unless an unchanged recipe's exists; 422 IMAGE_BUILD_FAILED with the build's last lines",
});
