/**
 * Every component's probes, open to anyone so that a supervisor (systemd, a load balancer, Kubernetes) can ask:
 * GET /health and its alias /healthz answer while the process serves (liveness); GET /readyz answers 200 only while
 * what the component needs is reachable (readiness: the database, the broker, nginx, Docker), else 503 naming each
 * check that failed. A probe says nothing about any site or person.
 */
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

export const livenessRoute = route({
  method: "GET",
  path: "/healthz",
  caller: "public",
  answer: healthSchema,
  answerKind: "json",
  summary: "answers while the process serves (/health by its conventional name)",
});

export const readinessSchema = z.object({
  ready: z.boolean(),
  component: z.string(),
  /** each check by name: ok, or the reason it is not */
  checks: z.record(z.string(), z.object({ ok: z.boolean(), problem: z.string().optional() })),
});
export type Readiness = z.infer<typeof readinessSchema>;

export const readinessRoute = route({
  method: "GET",
  path: "/readyz",
  caller: "public",
  answer: readinessSchema,
  answerKind: "json",
  summary: "200 while what the component needs answers, else 503 naming each failed check",
});

export const componentMetricsRoute = route({
  method: "GET",
  path: "/metrics",
  caller: "metrics",
  answerKind: "bytes",
  summary:
    "Prometheus metrics (text format) for a scraper holding DIRECTOR_METRICS_TOKEN; absent (404) when none is configured",
});
