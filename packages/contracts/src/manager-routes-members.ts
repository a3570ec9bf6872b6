/** The manager's routes about who works on a site: its members, and handing it to someone else. */
import { sitePurposes } from "@director/domain/site";
import { z } from "zod";
import { addSiteMemberRequestSchema, siteMemberViewSchema } from "./manager-api.js";
import { siteMemberParamsSchema, siteParamsSchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { route } from "./route.js";
import { text } from "./text.js";

const { members } = managerPaths;

const membersAnswer = z.object({ members: z.array(siteMemberViewSchema) });

export const memberRoutes = {
  list: route({
    ...members.list,
    caller: "person",
    summary: "the site's members",
    params: siteParamsSchema,
    answer: membersAnswer,
    answerKind: "json",
  }),
  add: route({
    ...members.add,
    caller: "person",
    summary: "add a member by username (inviting an unknown one)",
    params: siteParamsSchema,
    body: addSiteMemberRequestSchema,
    answer: membersAnswer,
    answerKind: "json",
    status: 201,
  }),
  transfer: route({
    ...members.transfer,
    caller: "person",
    summary:
      "hand the site to another person (a member to a teacher; an administrator to anyone): they become a member, the giver leaves unless keepAccess; a personal site becomes a project site",
    params: siteParamsSchema,
    body: z.object({ to: text().min(1).max(64), keepAccess: z.boolean().default(false) }).strict(),
    answer: membersAnswer.extend({ purpose: z.enum(sitePurposes) }),
    answerKind: "json",
  }),
  remove: route({
    ...members.remove,
    caller: "person",
    summary: "remove a member (never the last one but by an administrator)",
    params: siteMemberParamsSchema,
    answer: membersAnswer,
    answerKind: "json",
  }),
};
