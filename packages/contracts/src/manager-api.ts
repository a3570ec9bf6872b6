/** The manager's public JSON API: request bodies (parsed at the edge) and response shapes. */
import { z } from "zod";

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const userViewSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  isSuperuser: z.boolean(),
});
export type UserView = z.infer<typeof userViewSchema>;

export const loginResponseSchema = z.object({
  user: userViewSchema,
  /** the session token, also set as the httpOnly cookie; send it as `Authorization: Bearer` from scripts */
  token: z.string(),
  expiresAt: z.string(),
});

export const createSiteRequestSchema = z.object({
  name: z.string(),
  type: z.enum(["static", "dynamic"]).default("static"),
  purpose: z.enum(["personal", "project", "activity", "other"]).default("project"),
  description: z.string().max(2000).default(""),
});
export type CreateSiteRequest = z.infer<typeof createSiteRequestSchema>;

export const operationStepViewSchema = z.object({
  position: z.number(),
  slug: z.string(),
  name: z.string(),
  status: z.enum(["pending", "running", "succeeded", "failed"]),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z.number(),
  message: z.string(),
});

export const operationViewSchema = z.object({
  id: z.number(),
  kind: z.string(),
  siteId: z.number().nullable(),
  siteName: z.string(),
  status: z.enum(["pending", "running", "succeeded", "failed"]),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  steps: z.array(operationStepViewSchema),
});
export type OperationView = z.infer<typeof operationViewSchema>;

export const siteViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  type: z.enum(["static", "dynamic"]),
  purpose: z.enum(["personal", "project", "activity", "other"]),
  description: z.string(),
  availability: z.enum(["enabled", "not-served", "disabled"]),
  url: z.string(),
  isReady: z.boolean(),
  members: z.array(z.string()),
  createdAt: z.string(),
  operation: operationViewSchema.nullable(),
});
export type SiteView = z.infer<typeof siteViewSchema>;
