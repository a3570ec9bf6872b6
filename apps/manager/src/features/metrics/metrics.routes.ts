import { createHash, timingSafeEqual } from "node:crypto";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance } from "fastify";
import type { ManagerMetrics } from "./manager-metrics.js";

/** Compares hashes, so neither the token's content nor its length leaks through timing. */
function isSameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /metrics in Prometheus text format, for a scraper holding DIRECTOR_METRICS_TOKEN (`Authorization: Bearer`).
 * Also counts every request the app answers. Registered only when a token is configured: otherwise there is no
 * such route (404).
 */
export function registerMetricsRoutes(app: FastifyInstance, deps: { metrics: ManagerMetrics; token: string }): void {
  const { metrics } = deps;
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? "unmatched",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.get("/metrics", async (request, reply) => {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
    if (!isSameToken(token, deps.token)) {
      throw new DirectorError("AUTH_REQUIRED", "GET /metrics needs the metrics token (Authorization: Bearer).");
    }
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
