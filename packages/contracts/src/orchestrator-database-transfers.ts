/**
 * Exporting and importing a site's database (issue 14) through the orchestrator, which runs the engine's own dump and
 * restore tools as the site's user. As for every database route, the host's admin URL and the site's password travel
 * in a body, never in a path or a query: an export is a POST with a JSON body answering the dump as it is made; an
 * import's body is one line of JSON (`importAccessSchema`, the host and the password), a newline, then the dump.
 */
import { siteDatabaseKinds } from "@director/domain/site-database";
import { z } from "zod";
import { siteIdParamsSchema } from "./internal-values.js";
import { databaseHostSchema, databasePasswordSchema } from "./orchestrator-databases.js";
import { route } from "./route.js";

/** The longest first line of an import's body; the access line is far shorter. */
export const importAccessMaxBytes = 8 * 1024;

/** The most an import may ever be told to take (10 GiB); the manager's configured limit is below it. */
export const importMaxBytesLimit = 10 * 1024 * 1024 * 1024;

/** The first line of an import's body: where to restore, as whom, and how many bytes of dump may follow. */
export const importAccessSchema = z
  .object({
    host: databaseHostSchema,
    password: databasePasswordSchema,
    /** the dump after the line may be this long at most; past it the orchestrator refuses it (413) and runs nothing */
    maxBytes: z.number().int().min(1).max(importMaxBytesLimit),
  })
  .strict();
export type ImportAccess = z.input<typeof importAccessSchema>;

/**
 * What an import did: the dump's size, how long it took, and (PostgreSQL) how many of the archive's entries were
 * restored; MariaDB's client does not count its statements (null).
 */
export const siteDatabaseImportAnswerSchema = z.object({
  kind: z.enum(siteDatabaseKinds),
  bytes: z.number().int().min(0),
  durationMs: z.number().min(0),
  restoredEntries: z.number().int().min(0).nullable(),
});
export type SiteDatabaseImportAnswer = z.infer<typeof siteDatabaseImportAnswerSchema>;

export const exportSiteDatabaseRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/database/export",
  caller: "internal",
  params: siteIdParamsSchema,
  body: z.object({ host: databaseHostSchema, password: databasePasswordSchema }).strict(),
  answerKind: "bytes",
  summary:
    "a dump of the site's database made as the site's user, streamed: PostgreSQL pg_dump's custom format, MariaDB mariadb-dump's SQL; 501 DATABASE_TOOL_MISSING when no tool fits the host, 502 DATABASE_EXPORT_FAILED",
});

export const importSiteDatabaseRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/database/import",
  caller: "internal",
  params: siteIdParamsSchema,
  bodyKind: "stream",
  answer: siteDatabaseImportAnswerSchema,
  answerKind: "json",
  summary:
    "restores a dump into the site's database as the site's user (body: the access line, a newline, the dump); the dump is received whole before anything runs; 413 DATABASE_IMPORT_TOO_LARGE, 422 DATABASE_IMPORT_FAILED",
});
