/** GET /health of every internal API: open to anyone, so that a supervisor can probe the process. */
import { z } from "zod";
import { route } from "./route.js";

export const healthSchema = z.object({ ok: z.literal(true), component: z.string() });

export const healthRoute = route({
  method: "GET",
  path: "/health",
  caller: "public",
  answer: healthSchema,
  answerKind: "json",
  summary: "answers while the process serves",
});
