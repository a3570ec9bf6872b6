/**
 * A site's database (issue 14): anyone who sees the site sees whether it has one and how to connect (never the
 * password); members add it, reveal and rotate its password and delete it (typing the site's name). Each change is
 * an operation whose steps the site page follows live.
 */
import { siteDatabaseKinds, siteDatabaseStatuses } from "@director/domain/site-database";
import {
  sqlStatementDefaultMaxRows,
  sqlStatementDefaultTimeoutMs,
  sqlStatementMaxChars,
  sqlStatementMaxRowsLimit,
  sqlStatementMaxTimeoutMs,
} from "@director/domain/sql-console";
import { z } from "zod";
import { operationViewSchema } from "./manager-api.js";
import { siteParamsSchema, waitQuerySchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { siteStatementAnswerSchema } from "./orchestrator-databases.js";
import { route } from "./route.js";
import { text } from "./text.js";

const paths = managerPaths.siteDatabase;

export const siteDatabaseViewSchema = z.object({
  kind: z.enum(siteDatabaseKinds),
  /** `ready`: usable; `creating`/`removing`: an operation is making or dropping it (see the site's operations) */
  status: z.enum(siteDatabaseStatuses),
  /** the address the site's code connects to (an address of the sites network) */
  host: z.string(),
  port: z.number().int(),
  /** the database's name, which is also its user's; null until it is made */
  name: z.string().nullable(),
  /** the URL without its password (`postgres://user@host:port/name`); null until it is made */
  url: z.string().nullable(),
  /** the variables the site's process, terminals and SSH sessions get (their names; values only on request) */
  environment: z.array(z.string()),
  /** the space it takes on its host (GET only, and only when it is ready and the host answered); else null */
  sizeBytes: z.number().int().min(0).nullable(),
  /** the limit in force, in bytes (its own, else the installation's default); null: none */
  sizeLimitBytes: z.number().int().min(1).nullable(),
  /** whether an administrator set this database's own limit (else the default applies) */
  hasOwnSizeLimit: z.boolean(),
  /** when the background check last measured it (null: not yet) */
  sizeMeasuredAt: z.string().nullable(),
  /** since when its user may not write, for being past its limit (null: it may); domain/site-database-quota.ts */
  writesStoppedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type SiteDatabaseView = z.infer<typeof siteDatabaseViewSchema>;

/** POST /api/sites/:name/database */
export const createSiteDatabaseRequestSchema = z.object({ kind: z.enum(siteDatabaseKinds) }).strict();

/** DELETE /api/sites/:name/database: the site's name, typed */
export const deleteSiteDatabaseRequestSchema = z.object({ confirmName: text().max(64).optional() }).strict();

/** POST /api/sites/:name/database/query: one statement for the SQL console, with its limits (the engine's defaults). */
export const siteStatementRequestSchema = z
  .object({
    statement: z.string().min(1).max(sqlStatementMaxChars),
    timeoutMs: z.number().int().min(100).max(sqlStatementMaxTimeoutMs).default(sqlStatementDefaultTimeoutMs),
    maxRows: z.number().int().min(1).max(sqlStatementMaxRowsLimit).default(sqlStatementDefaultMaxRows),
  })
  .strict();

/** The largest site database an administrator may allow: 1 TiB (a bigint column; a safe integer in JSON). */
export const siteDatabaseMaxSizeLimitBytes = 1024 ** 4;

/** PUT /api/sites/:name/database/size-limit: the database's own limit in bytes, or null for the default */
export const setSiteDatabaseSizeLimitRequestSchema = z
  .object({ sizeLimitBytes: z.number().int().min(1).max(siteDatabaseMaxSizeLimitBytes).nullable() })
  .strict();

/** GET /api/admin/site-databases?limit= */
export const largestSiteDatabasesQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(50) })
  .strict();

/** One database in the administrators' list of the largest. */
export const largeSiteDatabaseViewSchema = z.object({
  site: z.string(),
  host: z.string(),
  kind: z.enum(siteDatabaseKinds),
  status: z.enum(siteDatabaseStatuses),
  sizeBytes: z.number().int().min(0).nullable(),
  sizeLimitBytes: z.number().int().min(1).nullable(),
  hasOwnSizeLimit: z.boolean(),
  sizeMeasuredAt: z.string().nullable(),
  writesStoppedAt: z.string().nullable(),
});
export type LargeSiteDatabaseView = z.infer<typeof largeSiteDatabaseViewSchema>;

export const siteDatabaseRoutes = {
  get: route({
    ...paths.get,
    caller: "person",
    summary: "the site's database and how to connect to it, without its password (null: it has none)",
    params: siteParamsSchema,
    answer: z.object({ database: siteDatabaseViewSchema.nullable() }),
    answerKind: "json",
  }),
  create: route({
    ...paths.create,
    caller: "person",
    summary: "add the site's database of the kind asked for (members); made by an operation",
    params: siteParamsSchema,
    query: waitQuerySchema,
    body: createSiteDatabaseRequestSchema,
    answer: z.object({ database: siteDatabaseViewSchema, operation: operationViewSchema }),
    answerKind: "json",
    status: 201,
  }),
  remove: route({
    ...paths.remove,
    caller: "person",
    summary: "delete the site's database and its user (members; confirmName is the site's name)",
    params: siteParamsSchema,
    query: waitQuerySchema,
    body: deleteSiteDatabaseRequestSchema,
    answer: z.object({ operation: operationViewSchema }),
    answerKind: "json",
  }),
  revealPassword: route({
    ...paths.revealPassword,
    caller: "person",
    summary: "the database user's password and the URL with it (members; audited)",
    params: siteParamsSchema,
    answer: z.object({ password: z.string(), url: z.string() }),
    answerKind: "json",
  }),
  rotatePassword: route({
    ...paths.rotatePassword,
    caller: "person",
    summary: "give the database user a new password (members); the site's process restarts with it",
    params: siteParamsSchema,
    query: waitQuerySchema,
    answer: z.object({ operation: operationViewSchema }),
    answerKind: "json",
  }),
  query: route({
    ...paths.query,
    caller: "person",
    summary:
      "run one SQL statement as the site's database user (members): the rows as text; 422 SQL_STATEMENT_FAILED or SQL_STATEMENT_TIMEOUT",
    params: siteParamsSchema,
    body: siteStatementRequestSchema,
    answer: siteStatementAnswerSchema,
    answerKind: "json",
  }),
  setSizeLimit: route({
    ...paths.setSizeLimit,
    caller: "admin",
    summary:
      "set the site database's own size limit in bytes, or null for the installation's default (administrators); applied at once when its host answers",
    params: siteParamsSchema,
    body: setSiteDatabaseSizeLimitRequestSchema,
    answer: z.object({ database: siteDatabaseViewSchema }),
    answerKind: "json",
  }),
  listLargest: route({
    ...paths.listLargest,
    caller: "admin",
    summary: "the largest site databases as last measured, with their limits (administrators)",
    query: largestSiteDatabasesQuerySchema,
    answer: z.object({
      databases: z.array(largeSiteDatabaseViewSchema),
      defaultSizeLimitBytes: z.number().int().min(1).nullable(),
    }),
    answerKind: "json",
  }),
};
