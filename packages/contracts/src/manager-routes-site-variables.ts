/**
 * A site's environment variables and secrets (issue 16): members list and set them; a dynamic site's process
 * restarts with them (an operation), and its terminals and SSH sessions get them at once. A secret's value is
 * write-only: never answered, never logged, kept when a change leaves it out.
 */
import { siteVariableLimits } from "@director/domain/site-variable";
import { z } from "zod";
import { operationViewSchema } from "./manager-api.js";
import { siteParamsSchema, waitQuerySchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { route } from "./route.js";
import { text } from "./text.js";

const paths = managerPaths.siteVariables;

export const siteVariableViewSchema = z.object({
  name: z.string(),
  /** null for a secret: its value is never shown */
  value: z.string().nullable(),
  isSecret: z.boolean(),
  updatedAt: z.string(),
});
export type SiteVariableView = z.infer<typeof siteVariableViewSchema>;

/**
 * PUT /api/sites/:name/variables: the whole set, as it is to be (a variable left out is removed). A secret given
 * without a value keeps the value it has; a new secret needs one. Names and sizes are checked by the domain
 * (SITE_VARIABLE_INVALID naming the field).
 */
export const replaceSiteVariablesRequestSchema = z
  .object({
    variables: z
      .array(
        z
          .object({
            name: text().min(1).max(siteVariableLimits.maxNameChars),
            value: text().max(siteVariableLimits.maxValueChars).optional(),
            isSecret: z.boolean().default(false),
          })
          .strict(),
      )
      .max(siteVariableLimits.maxCount),
  })
  .strict();

export const siteVariableRoutes = {
  list: route({
    ...paths.list,
    caller: "person",
    summary: "the site's environment variables, secrets without their values (members)",
    params: siteParamsSchema,
    answer: z.object({ variables: z.array(siteVariableViewSchema) }),
    answerKind: "json",
  }),
  replace: route({
    ...paths.replace,
    caller: "person",
    summary:
      "set the site's environment variables and secrets, the whole set (members); a dynamic site's process restarts with them (operation; null for a static site)",
    params: siteParamsSchema,
    query: waitQuerySchema,
    body: replaceSiteVariablesRequestSchema,
    answer: z.object({ variables: z.array(siteVariableViewSchema), operation: operationViewSchema.nullable() }),
    answerKind: "json",
  }),
};
