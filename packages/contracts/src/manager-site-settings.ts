/** The manager API's requests that change a site's settings: its type, name, availability and resource limits. */
import { siteAvailabilities, siteTypes } from "@director/domain/site";
import { z } from "zod";
import { text } from "./text.js";

/** PATCH /api/sites/:name: a static site becomes dynamic or the other way round (an operation). */
export const changeSiteTypeRequestSchema = z.object({ type: z.enum(siteTypes) });

/**
 * POST /api/sites/:name/rename: the site's new name (an operation); the old one redirects to it for a while. The
 * grammar is checked by the service, which names the rule broken.
 */
export const renameSiteRequestSchema = z.object({ name: text().max(64) }).strict();

/**
 * PUT /api/sites/:name/limits: what an administrator may set on a site. Numbers only, with their unit in the name: "100M" or "1.5" as
 * strings are refused with the field named, rather than guessed at (the original accepted several spellings).
 * null puts a limit back to the platform default; an absent field keeps the current value.
 */
export const siteLimitsRequestSchema = z
  .object({
    cpus: z.number().min(0.05).max(16).nullable().optional(),
    memoryMib: z.number().int().min(16).max(65_536).nullable().optional(),
    clientBodyLimitBytes: z
      .number()
      .int()
      .min(0)
      .max(1024 ** 3)
      .nullable()
      .optional(),
  })
  .strict();
export type SiteLimitsRequest = z.infer<typeof siteLimitsRequestSchema>;

/** PUT /api/sites/:name/availability (administrators) */
export const siteAvailabilityRequestSchema = z.object({ availability: z.enum(siteAvailabilities) }).strict();
