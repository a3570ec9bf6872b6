/**
 * The orchestrator's routes for site databases. The manager owns the registry of database hosts (their admin
 * credentials encrypted at rest) and passes the host it chose in every call, so each route is a POST or PUT with a
 * JSON body: an admin URL never goes in a path or a query, which proxies and access logs may keep. Bodies of these
 * routes are never logged (the internal apps log no requests; refusals log their code only).
 */
import {
  parseDatabasePassword,
  parseSiteDatabaseName,
  type SiteDatabaseKind,
  siteDatabaseKinds,
} from "@director/domain/site-database";
import {
  sqlStatementDefaultMaxRows,
  sqlStatementDefaultTimeoutMs,
  sqlStatementMaxChars,
  sqlStatementMaxRowsLimit,
  sqlStatementMaxTimeoutMs,
} from "@director/domain/sql-console";
import { z } from "zod";
import { siteIdParamsSchema, siteIdSchema } from "./internal-values.js";
import { route } from "./route.js";

/** The URL schemes each kind of host is reached by (node-postgres and mysql2 read these). */
const adminUrlSchemes = { postgres: ["postgres:", "postgresql:"], mysql: ["mysql:"] } as const;

/** Longer than any real admin URL; a bound keeps a body from carrying anything else. */
export const adminUrlMaxLength = 2048;

/**
 * What is wrong with `adminUrl` as the admin URL of a `kind` host (not a URL, or another kind's scheme), or null. The
 * message never repeats the URL: it holds the admin's password.
 */
export function adminUrlProblem(kind: SiteDatabaseKind, adminUrl: string): string | null {
  const protocol = URL.canParse(adminUrl) ? new URL(adminUrl).protocol : null;
  if (protocol !== null && (adminUrlSchemes[kind] as readonly string[]).includes(protocol)) return null;
  return `A ${kind} host's admin URL starts with ${adminUrlSchemes[kind].map((scheme) => `${scheme}//`).join(" or ")}.`;
}

/**
 * A database host as the manager registered it: the admin connection and the connections one site's user may hold.
 * The admin URL's scheme must be its kind's (`postgres://` or `postgresql://`, `mysql://` for MariaDB and MySQL).
 */
export const databaseHostSchema = z
  .object({
    kind: z.enum(siteDatabaseKinds),
    /** e.g. `postgres://admin:secret@db.example:5432/postgres`, `mysql://root:secret@db.example:3306` */
    adminUrl: z.string().min(1).max(adminUrlMaxLength),
    connectionLimit: z.number().int().min(1).max(10_000),
  })
  .strict()
  .superRefine((host, context) => {
    const problem = adminUrlProblem(host.kind, host.adminUrl);
    if (problem !== null) context.addIssue({ code: "custom", path: ["adminUrl"], message: problem });
  });
export type DatabaseHost = z.infer<typeof databaseHostSchema>;

/** A site database user's password as `generateDatabasePassword` makes it (32 to 128 URL-safe characters). */
export const databasePasswordSchema = z.string().transform((value) => parseDatabasePassword(value));

const hostBodySchema = z.object({ host: databaseHostSchema }).strict();
const hostAndPasswordBodySchema = z.object({ host: databaseHostSchema, password: databasePasswordSchema }).strict();
export type SiteDatabaseHostBody = z.input<typeof hostBodySchema>;
export type SiteDatabasePasswordBody = z.input<typeof hostAndPasswordBodySchema>;

/** A generated site database name (`dir_<installation>_s<site id>`), which is also its user's name. */
const siteDatabaseNameSchema = z.string().transform((value) => parseSiteDatabaseName(value).name);

export const ensureSiteDatabaseRoute = route({
  method: "PUT",
  path: "/internal/v1/sites/:id/database",
  caller: "internal",
  params: siteIdParamsSchema,
  body: hostAndPasswordBodySchema,
  answer: z.object({ name: siteDatabaseNameSchema, username: siteDatabaseNameSchema }),
  answerKind: "json",
  summary:
    "makes the site's database and user on the host when missing, sets the password and the isolation rights (idempotent)",
});

export const rotateSiteDatabasePasswordRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/database/password",
  caller: "internal",
  params: siteIdParamsSchema,
  body: hostAndPasswordBodySchema,
  answerKind: "empty",
  summary: "sets a new password for the site's database user; 404 SITE_DATABASE_NOT_FOUND when it is not there",
});

export const removeSiteDatabaseRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/database/removal",
  caller: "internal",
  params: siteIdParamsSchema,
  body: hostBodySchema,
  answerKind: "empty",
  summary: "ends the user's sessions and drops the site's database and user (no-op when absent)",
});

export const siteDatabaseSizeRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/database/size",
  caller: "internal",
  params: siteIdParamsSchema,
  body: hostBodySchema,
  answer: z.object({ bytes: z.number().int().min(0) }),
  answerKind: "json",
  summary: "the space the site's database takes on the host; 404 SITE_DATABASE_NOT_FOUND when it is not there",
});

/** Sites measured in one call: a few requests measure the largest host's databases. */
export const databaseHostSizesMaxSites = 1000;

export const databaseHostSizesRoute = route({
  method: "POST",
  path: "/internal/v1/database-hosts/sizes",
  caller: "internal",
  body: z.object({ host: databaseHostSchema, siteIds: z.array(siteIdSchema).max(databaseHostSizesMaxSites) }).strict(),
  answer: z.object({ sizes: z.array(z.object({ siteId: siteIdSchema, bytes: z.number().int().min(0) })) }),
  answerKind: "json",
  summary:
    "the space each named site's database takes on the host, in one round trip (the size limit's check); a database not there is left out",
});

export const siteDatabaseWritesRoute = route({
  method: "PUT",
  path: "/internal/v1/sites/:id/database/writes",
  caller: "internal",
  params: siteIdParamsSchema,
  body: z.object({ host: databaseHostSchema, isAllowed: z.boolean() }).strict(),
  answerKind: "empty",
  summary:
    "stops or allows again the site's database writes and ends its open sessions (its size limit); 404 SITE_DATABASE_NOT_FOUND",
});

export const databaseHostInventoryRoute = route({
  method: "POST",
  path: "/internal/v1/database-hosts/inventory",
  caller: "internal",
  body: hostBodySchema,
  answer: z.object({ siteIds: z.array(siteIdSchema) }),
  answerKind: "json",
  summary: "the sites this installation has a database or a user of on the host, by id (for reconcile)",
});

export const checkDatabaseHostRoute = route({
  method: "POST",
  path: "/internal/v1/database-hosts/check",
  caller: "internal",
  body: hostBodySchema,
  answer: z.object({ kind: z.enum(siteDatabaseKinds), serverVersion: z.string() }),
  answerKind: "json",
  summary:
    "connects as the host's admin and checks it has the rights site databases need; 502 DATABASE_HOST_REJECTED names a missing right, 503 DATABASE_HOST_UNAVAILABLE",
});

/** One SQL console statement, run as the site's own database user with `password` (its generated one). */
const runSiteStatementBodySchema = z
  .object({
    host: databaseHostSchema,
    password: databasePasswordSchema,
    /** exactly one statement; a second one is refused by the engine (SQL_STATEMENT_FAILED) */
    statement: z.string().min(1).max(sqlStatementMaxChars),
    timeoutMs: z.number().int().min(1).max(sqlStatementMaxTimeoutMs).default(sqlStatementDefaultTimeoutMs),
    maxRows: z.number().int().min(1).max(sqlStatementMaxRowsLimit).default(sqlStatementDefaultMaxRows),
  })
  .strict();
export type RunSiteStatementBody = z.input<typeof runSiteStatementBodySchema>;

/** What a statement answered; every value as text (domain/sql-console.ts `SqlStatementResult` says how each is rendered). */
export const siteStatementAnswerSchema = z.object({
  command: z.string().nullable(),
  columns: z.array(z.object({ name: z.string(), type: z.string().optional() })),
  rows: z.array(z.array(z.string().nullable())),
  rowCount: z.number().int().min(0),
  truncated: z.boolean(),
  truncatedValues: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
  durationMs: z.number().min(0),
});
export type SiteStatementAnswer = z.infer<typeof siteStatementAnswerSchema>;

export const runSiteStatementRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/database/query",
  caller: "internal",
  params: siteIdParamsSchema,
  body: runSiteStatementBodySchema,
  answer: siteStatementAnswerSchema,
  answerKind: "json",
  summary:
    "runs one SQL statement as the site's own database user (time and row limits); 422 SQL_STATEMENT_FAILED or SQL_STATEMENT_TIMEOUT, 404 SITE_DATABASE_NOT_FOUND, 409 SITE_DATABASE_LOGIN_REFUSED, 503 DATABASE_HOST_UNAVAILABLE",
});
