/**
 * The manager's route table: every route it serves, grouped by feature. The server registers exactly these
 * (apps/manager/src/http), the web app's client is typed from them (apps/manager-web/src/api), and a test walks them.
 */

import { z } from "zod";
import { managerPaths } from "./manager-paths.js";
import { accountRoutes } from "./manager-routes-account.js";
import { adminRoutes, authRoutes, guidelinesRoutes, platformRoutes } from "./manager-routes-accounts.js";
import { courseRoutes } from "./manager-routes-courses.js";
import { databaseHostRoutes } from "./manager-routes-database-hosts.js";
import { domainRoutes } from "./manager-routes-domains.js";
import { memberRoutes } from "./manager-routes-members.js";
import { siteDatabaseTransferRoutes } from "./manager-routes-site-database-transfers.js";
import { siteDatabaseRoutes } from "./manager-routes-site-databases.js";
import { siteVariableRoutes } from "./manager-routes-site-variables.js";
import {
  fileRoutes,
  imageRoutes,
  operationRoutes,
  processRoutes,
  siteRequestRoutes,
  siteRoutes,
} from "./manager-routes-sites.js";
import { shellRoutes, sshRoutes } from "./manager-routes-ssh.js";
import { usageRoutes } from "./manager-routes-usage.js";
import { workspaceRoutes } from "./manager-routes-workspace.js";
import { route } from "./route.js";
import { text } from "./text.js";

/** The web interface (apps/manager-web/dist): its files, and index.html for every page's path. */
export const webRoutes = {
  home: route({ ...managerPaths.web.home, caller: "public", summary: "the web interface", answerKind: "bytes" }),
  page: route({
    ...managerPaths.web.page,
    caller: "public",
    summary: "the web interface's files, and index.html for its pages' paths",
    answerKind: "bytes",
  }),
};

/** A page of the user guide (`docs/guide/<page>.md`): lowercase words joined by dashes. */
export const docsPageParamsSchema = z
  .object({
    page: text()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      .max(64),
  })
  .strict();
/** A picture of the user guide (`docs/guide/images/<file>`): a PNG with a plain name. */
export const docsImageParamsSchema = z
  .object({
    file: text()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*\.png$/)
      .max(68),
  })
  .strict();
export const docsSearchQuerySchema = z.object({ q: text().trim().max(200).default("") }).strict();

/** The user guide, rendered from Markdown: public, so that the login page can point to it. */
export const docsRoutes = {
  index: route({
    ...managerPaths.docs.index,
    caller: "public",
    summary: "the user guide's contents",
    answerKind: "bytes",
  }),
  search: route({
    ...managerPaths.docs.search,
    caller: "public",
    summary: "the user guide's pages that hold every word of `q`, with where",
    query: docsSearchQuerySchema,
    answerKind: "bytes",
  }),
  page: route({
    ...managerPaths.docs.page,
    caller: "public",
    summary: "one page of the user guide",
    params: docsPageParamsSchema,
    answerKind: "bytes",
  }),
  image: route({
    ...managerPaths.docs.image,
    caller: "public",
    summary: "a picture of the user guide (PNG)",
    params: docsImageParamsSchema,
    answerKind: "bytes",
  }),
};

export const managerApi = {
  platform: platformRoutes,
  auth: authRoutes,
  guidelines: guidelinesRoutes,
  sites: siteRoutes,
  process: processRoutes,
  files: fileRoutes,
  workspace: workspaceRoutes,
  members: memberRoutes,
  domains: domainRoutes,
  siteDatabase: siteDatabaseRoutes,
  siteDatabaseTransfer: siteDatabaseTransferRoutes,
  siteVariables: siteVariableRoutes,
  courses: courseRoutes,
  account: accountRoutes,
  usage: usageRoutes,
  images: imageRoutes,
  siteRequests: siteRequestRoutes,
  operations: operationRoutes,
  ssh: sshRoutes,
  shell: shellRoutes,
  admin: adminRoutes,
  databaseHosts: databaseHostRoutes,
  docs: docsRoutes,
  web: webRoutes,
};

export type ManagerApi = typeof managerApi;
