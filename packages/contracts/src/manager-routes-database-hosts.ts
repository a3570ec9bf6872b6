/**
 * Database hosts for site databases (issue 14): administrators register, change and remove them. A host's admin URL
 * goes in only (checked by the orchestrator, kept sealed); no answer carries it or its password, only the admin user's
 * name and the address the URL names.
 */
import { siteDatabaseKinds } from "@director/domain/site-database";
import { z } from "zod";
import { managerPaths } from "./manager-paths.js";
import { adminUrlMaxLength, adminUrlProblem } from "./orchestrator-databases.js";
import { route } from "./route.js";
import { text } from "./text.js";

const { databaseHosts } = managerPaths;

export const databaseHostViewSchema = z.object({
  name: z.string(),
  kind: z.enum(siteDatabaseKinds),
  /** the address sites connect to */
  siteHost: z.string(),
  sitePort: z.number().int(),
  /** the admin URL's user name (never its password) */
  adminUser: z.string(),
  /** the admin URL's `host:port` */
  adminAddress: z.string(),
  maxDatabases: z.number().int(),
  isAccepting: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DatabaseHostView = z.infer<typeof databaseHostViewSchema>;

/** A hostname (RFC 1123 labels), an IPv4 address, or an IPv6 address without brackets. */
const siteHostPattern =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

const databaseHostFields = {
  name: text()
    .max(63)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lowercase letters and digits, with single hyphens between them"),
  kind: z.enum(siteDatabaseKinds),
  siteHost: text().min(1).max(253).regex(siteHostPattern, "a hostname or an IP address"),
  sitePort: z.number().int().min(1).max(65_535),
  /** `postgres://admin:secret@db:5432/postgres` or `mysql://root:secret@db:3306`, its scheme the kind's */
  adminUrl: text().min(1).max(adminUrlMaxLength),
  maxDatabases: z.number().int().min(1).max(100_000),
  isAccepting: z.boolean(),
};

/** POST /api/admin/database-hosts */
export const createDatabaseHostRequestSchema = z
  .object({ ...databaseHostFields, isAccepting: databaseHostFields.isAccepting.default(true) })
  .strict()
  .superRefine((host, context) => {
    const problem = adminUrlProblem(host.kind, host.adminUrl);
    if (problem !== null) context.addIssue({ code: "custom", path: ["adminUrl"], message: problem });
  });
export type CreateDatabaseHostRequest = z.input<typeof createDatabaseHostRequestSchema>;

/** PATCH /api/admin/database-hosts/:name: any field; the kind and the admin URL are checked together once merged. */
export const updateDatabaseHostRequestSchema = z.object(databaseHostFields).partial().strict();
export type UpdateDatabaseHostRequest = z.input<typeof updateDatabaseHostRequestSchema>;

export const databaseHostParamsSchema = z.object({ name: text().max(64) });

export const databaseHostRoutes = {
  list: route({
    ...databaseHosts.list,
    caller: "admin",
    summary: "the registered database hosts (never an admin URL or password)",
    answer: z.object({ databaseHosts: z.array(databaseHostViewSchema) }),
    answerKind: "json",
  }),
  create: route({
    ...databaseHosts.create,
    caller: "admin",
    summary: "register a database host once the orchestrator checked its admin account (its URL kept encrypted)",
    body: createDatabaseHostRequestSchema,
    answer: databaseHostViewSchema,
    answerKind: "json",
    status: 201,
  }),
  update: route({
    ...databaseHosts.update,
    caller: "admin",
    summary: "change a database host (a new admin URL is checked again)",
    params: databaseHostParamsSchema,
    body: updateDatabaseHostRequestSchema,
    answer: databaseHostViewSchema,
    answerKind: "json",
  }),
  remove: route({
    ...databaseHosts.remove,
    caller: "admin",
    summary: "remove a database host",
    params: databaseHostParamsSchema,
    answerKind: "empty",
  }),
};
