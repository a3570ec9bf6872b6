/**
 * Everything of a person's sites in one zip (issue 16: what a graduating student takes with them). The manager says
 * which sites and, for each with a ready database, how to log in to it as the site's user; the orchestrator streams
 * one zip: `<site>/files/…` (what a zip download of the site takes) and `<site>/database.dump|sql` (the engine's
 * own dump, as an export makes it). The host's admin URL and the site's password travel in the body, as for every
 * database route.
 */
import { z } from "zod";
import { siteIdSchema, siteNameSchema } from "./internal-values.js";
import { databaseHostSchema, databasePasswordSchema } from "./orchestrator-databases.js";
import { route } from "./route.js";

/** The most sites one archive may hold. */
export const maxArchivedSites = 100;

export const archiveSitesRequestSchema = z
  .object({
    sites: z
      .array(
        z
          .object({
            id: siteIdSchema,
            name: siteNameSchema,
            database: z.object({ host: databaseHostSchema, password: databasePasswordSchema }).strict().nullable(),
          })
          .strict(),
      )
      .min(1)
      .max(maxArchivedSites),
  })
  .strict();
export type ArchiveSitesRequest = z.input<typeof archiveSitesRequestSchema>;

export const archiveSitesRoute = route({
  method: "POST",
  path: "/internal/v1/archive",
  caller: "internal",
  body: archiveSitesRequestSchema,
  answerKind: "bytes",
  summary:
    "one zip of several sites' files and database dumps, streamed (application/zip); 413 ZIP_TOO_LARGE before it starts when a site passes the zip limits",
});
