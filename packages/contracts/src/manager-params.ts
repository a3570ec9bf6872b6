/** The manager API's path parameters, and the query parameters several of its routes share. */
import { z } from "zod";
import { text } from "./text.js";

/** `/api/sites/:name/...` */
export const siteParamsSchema = z.object({ name: text().max(64) });

/** `/api/sites/:name/members/:username` */
export const siteMemberParamsSchema = z.object({ name: text().max(64), username: text().max(64) });

/** `/api/sites/:name/files/<path>`: the path is checked again, strictly, by the orchestrator's `parseSitePath` */
export const siteFileParamsSchema = z.object({ name: text().max(64), "*": text().default("") });

/** `/api/images/:name` */
export const imageParamsSchema = z.object({ name: text().max(64) });

/** `/api/admin/users/:username` */
export const userParamsSchema = z.object({ username: text().max(64) });

/** `/api/operations/:id`, `/api/site-requests/:id`, ...: a row id (PostgreSQL `integer`) */
export const idParamsSchema = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

/** GET /api/admin/operations?status=failed|all&limit=&offset= */
export const operationListQuerySchema = z.object({
  status: z.enum(["failed", "all"]).default("all"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** GET /api/site-requests?limit=&offset= */
export const siteRequestListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** `?wait=true` on a route that queues an operation: answer once it has ended (or a time limit passed). */
export const waitQuerySchema = z.object({ wait: z.enum(["true", "false"]).default("false") });

/** GET /api/auth/oidc/callback: the provider's other parameters (`code`, `iss`, ...) go on to openid-client as sent. */
export const oidcCallbackQuerySchema = z.object({ state: text().max(512).optional() }).passthrough();
