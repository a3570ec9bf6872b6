/**
 * The manager's routes about people and the platform: logins, guidelines, administration, health, metrics and the live
 * channel. Paths come from manager-paths.ts; who may call each route is checked before anything of it is read.
 */
import { z } from "zod";
import { readinessSchema } from "./internal-health.js";
import {
  auditPageSchema,
  auditQuerySchema,
  guidelinesViewSchema,
  inviteUserRequestSchema,
  loginRequestSchema,
  loginResponseSchema,
  massMailRequestSchema,
  massMailResultSchema,
  operationViewSchema,
  updateUserRequestSchema,
  userListQuerySchema,
  userListResponseSchema,
  userViewSchema,
} from "./manager-api.js";
import { idParamsSchema, operationListQuerySchema, userParamsSchema, waitQuerySchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { reconcileReportSchema, reconcileRequestSchema } from "./manager-reconcile.js";
import { route } from "./route.js";
import { text } from "./text.js";

const { platform, auth, guidelines, admin } = managerPaths;

/** `{ operation }`: the answer of every route that queues or retries an operation. */
export const operationAnswerSchema = z.object({ operation: operationViewSchema });

export const platformRoutes = {
  health: route({
    ...platform.health,
    caller: "public",
    summary: "the process serves",
    answer: z.object({ ok: z.boolean(), component: z.string() }),
    answerKind: "json",
  }),
  healthz: route({
    ...platform.healthz,
    caller: "public",
    summary: "the process serves (/health by its conventional name)",
    answer: z.object({ ok: z.boolean(), component: z.string() }),
    answerKind: "json",
  }),
  readyz: route({
    ...platform.readyz,
    caller: "public",
    summary:
      "200 while the database (and Redis and RabbitMQ, when configured) answer, else 503 naming each failed check",
    answer: readinessSchema,
    answerKind: "json",
  }),
  metrics: route({
    ...platform.metrics,
    caller: "metrics",
    summary: "Prometheus metrics (text format), with the metrics token",
    answerKind: "bytes",
  }),
  live: route({
    ...platform.live,
    caller: "person",
    summary: "the live channel (WebSocket): watched sites' operations, process and revision",
    answerKind: "stream",
  }),
};

export const authRoutes = {
  login: route({
    ...auth.login,
    caller: "public",
    summary: "log in with a password; sets the session cookie and answers the token",
    body: loginRequestSchema,
    answer: loginResponseSchema,
    answerKind: "json",
  }),
  logout: route({
    ...auth.logout,
    caller: "person-before-guidelines",
    summary: "end this session",
    answerKind: "empty",
  }),
  me: route({
    ...auth.me,
    caller: "person-before-guidelines",
    summary: "who is logged in; a student whose graduation year has come also learns until when the account stays open",
    answer: userViewSchema.extend({
      graduation: z.object({ graduationYear: z.number().int(), accountOpenUntil: z.string() }).nullable(),
    }),
    answerKind: "json",
  }),
  options: route({
    ...auth.options,
    caller: "public",
    summary: "how people log in here (the identity provider's start URL, when there is one)",
    answer: z.object({ password: z.boolean(), oidc: z.object({ startUrl: z.string() }).nullable() }),
    answerKind: "json",
  }),
  oidcStart: route({
    ...auth.oidcStart,
    caller: "public",
    summary: "redirect to the institution's identity provider",
    answerKind: "stream",
  }),
  oidcCallback: route({
    ...auth.oidcCallback,
    caller: "public",
    // The query (oidcCallbackQuerySchema) is read inside: a bad one sends the browser back to the login page.
    summary: "the identity provider's redirect back; logs in and redirects to /",
    answerKind: "stream",
  }),
};

export const guidelinesRoutes = {
  get: route({
    ...guidelines.get,
    caller: "person-before-guidelines",
    summary: "the guidelines' text and whether the caller accepted this version",
    answer: guidelinesViewSchema,
    answerKind: "json",
  }),
  accept: route({
    ...guidelines.accept,
    caller: "person-before-guidelines",
    summary: "accept the current guidelines",
    answer: userViewSchema,
    answerKind: "json",
  }),
};

/** /api/admin/classes/:year: a graduation year */
export const classParamsSchema = z.object({ year: z.coerce.number().int().min(1900).max(2200) }).strict();
/** POST /api/admin/classes/:year/disable: the year typed again */
export const disableClassRequestSchema = z.object({ confirm: text().max(16) }).strict();
const classSummarySchema = z.object({
  graduationYear: z.number().int(),
  /** student accounts of the class that still log in */
  active: z.number().int(),
  disabled: z.number().int(),
});

export const adminRoutes = {
  classSummary: route({
    ...admin.classSummary,
    caller: "admin",
    summary: "how many student accounts of a graduation year still log in, and how many are disabled",
    params: classParamsSchema,
    answer: classSummarySchema,
    answerKind: "json",
  }),
  disableClass: route({
    ...admin.disableClass,
    caller: "admin",
    summary:
      "disable every student account of a graduation year at once, their sites kept (confirm: the year typed again)",
    params: classParamsSchema,
    body: disableClassRequestSchema,
    answer: classSummarySchema.extend({ disabledNow: z.array(z.string()) }),
    answerKind: "json",
  }),
  listUsers: route({
    ...admin.listUsers,
    caller: "admin",
    summary: "accounts matching a search, paged",
    query: userListQuerySchema,
    answer: userListResponseSchema,
    answerKind: "json",
  }),
  inviteUser: route({
    ...admin.inviteUser,
    caller: "admin",
    summary: "invite an account by username (made at its first login)",
    body: inviteUserRequestSchema,
    answer: userViewSchema,
    answerKind: "json",
    status: 201,
  }),
  updateUser: route({
    ...admin.updateUser,
    caller: "admin",
    summary: "change an account's role, administrator flag or whether it is active",
    params: userParamsSchema,
    body: updateUserRequestSchema,
    answer: userViewSchema,
    answerKind: "json",
  }),
  audit: route({
    ...admin.audit,
    caller: "admin",
    summary: "the audit log, filtered, newest first",
    query: auditQuerySchema,
    answer: auditPageSchema,
    answerKind: "json",
  }),
  massMail: route({
    ...admin.massMail,
    caller: "admin",
    summary: "one message to everyone or to listed people (asks for confirmation first)",
    body: massMailRequestSchema,
    answer: massMailResultSchema,
    answerKind: "json",
  }),
  listOperations: route({
    ...admin.listOperations,
    caller: "admin",
    summary: "every operation, or the failed ones, newest first",
    query: operationListQuerySchema,
    answer: z.object({
      operations: z.array(operationViewSchema),
      total: z.number(),
      limit: z.number(),
      offset: z.number(),
    }),
    answerKind: "json",
  }),
  retryOperation: route({
    ...admin.retryOperation,
    caller: "admin",
    summary: "run a failed operation again from its failed step",
    params: idParamsSchema,
    answer: operationAnswerSchema,
    answerKind: "json",
    status: 202,
  }),
  reconcile: route({
    ...admin.reconcile,
    caller: "admin",
    summary: "compare the machines with the database and repair (or only report) what drifted",
    query: waitQuerySchema,
    body: reconcileRequestSchema,
    answer: reconcileReportSchema,
    answerKind: "json",
  }),
};
