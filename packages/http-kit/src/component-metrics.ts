/**
 * Prometheus metrics of a component that is not the manager (worker, orchestrator, router), in a registry of its own
 * (no global state): the process's own (CPU, memory, event loop, prefixed `director_<component>_`), the HTTP requests
 * it answered by route pattern, nginx reloads where it runs an nginx, and whatever the component adds. GET /metrics
 * serves them to a scraper holding DIRECTOR_METRICS_TOKEN, the token the manager's /metrics takes. Labels are bounded:
 * route patterns, never URLs; methods and status codes; outcomes from fixed lists.
 */
import { componentMetricsRoute } from "@director/contracts/internal-health";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { type InternalToken, isAuthorized } from "./internal-auth.js";
import type { CallerCheck } from "./routes.js";
import { registerRoute } from "./routes.js";

export type MetricsComponent = "worker" | "orchestrator" | "router" | "shell";

/** What an nginx reload came to, as the reload metrics count it. */
export type ReloadOutcome = "ok" | "failed";

export class ComponentMetrics {
  readonly registry = new Registry();
  readonly component: MetricsComponent;
  readonly #requests: Counter<"method" | "route" | "status">;
  readonly #durations: Histogram<"method" | "route">;
  #reloads: { count: Counter<"outcome">; seconds: Histogram } | undefined;

  constructor(component: MetricsComponent) {
    this.component = component;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: `director_${component}_` });
    this.#requests = new Counter({
      name: "director_http_requests_total",
      help: `HTTP requests the ${component} answered, by route pattern and status code`,
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.#durations = new Histogram({
      name: "director_http_request_duration_seconds",
      help: `Time the ${component} took to answer, by route pattern`,
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  /** Notes one answered request; `route` is the matched pattern, or "unmatched". */
  observeRequest(method: string, route: string, status: number, durationSeconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#durations.observe({ method, route }, durationSeconds);
  }

  /**
   * Notes one nginx reload (`nginx -t` is not one): a reload that failed leaves the old configuration serving, and
   * changes waiting. The series exist from the first call, so a component without nginx shows none.
   */
  observeReload(outcome: ReloadOutcome, durationSeconds: number): void {
    this.#reloads ??= {
      count: new Counter({
        name: "director_nginx_reloads_total",
        help: "nginx reloads, by outcome (failed: the previous configuration still serves)",
        labelNames: ["outcome"],
        registers: [this.registry],
      }),
      seconds: new Histogram({
        name: "director_nginx_reload_duration_seconds",
        help: "Time from the reload signal until new connections got the new configuration",
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [this.registry],
      }),
    };
    this.#reloads.count.inc({ outcome });
    this.#reloads.seconds.observe(durationSeconds);
  }
}

/** Tells `metrics` of every request `app` answers: its method, route pattern ("unmatched" for none), status, time. */
export function countRequests(
  app: FastifyInstance,
  metrics: { observeRequest(method: string, route: string, status: number, durationSeconds: number): void },
): void {
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? "unmatched",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
}

/** The nginx option (NginxServerOptions.onReload) that counts its reloads in `metrics`, when there are metrics. */
export function nginxReloadsCountedIn(metrics: ComponentMetrics | undefined): {
  onReload?: (outcome: ReloadOutcome, durationSeconds: number) => void;
} {
  return metrics === undefined ? {} : { onReload: (outcome, seconds) => metrics.observeReload(outcome, seconds) };
}

/** A component's metrics when a metrics token is configured (someone will read them), else undefined. */
export function componentMetricsOf(
  component: MetricsComponent,
  token: string | undefined,
): ComponentMetrics | undefined {
  return token === undefined ? undefined : new ComponentMetrics(component);
}

/**
 * The `metrics` option of an internal app: the given metrics (which the caller also counts reloads in) or new ones,
 * served with `token`; nothing when no token is configured.
 */
export function servedMetrics(
  component: MetricsComponent,
  token: string | undefined,
  given: ComponentMetrics | undefined,
): { metrics?: { metrics: ComponentMetrics; token: string } } {
  return token === undefined ? {} : { metrics: { metrics: given ?? new ComponentMetrics(component), token } };
}

/** The check of the `metrics` caller: the metrics token as a bearer token, compared in constant time. */
export function metricsTokenCheck(token: string): CallerCheck {
  return async (request) => {
    if (!isAuthorized(request.headers.authorization, token as InternalToken)) {
      throw new DirectorError("AUTH_REQUIRED", "Metrics need the metrics token (Authorization: Bearer).");
    }
  };
}

/**
 * Counts every request `app` answers and serves GET /metrics. Call it on an app whose `requireDeclaredCallers` has
 * `metricsTokenCheck` for the `metrics` caller.
 */
export function serveMetrics(app: FastifyInstance, metrics: ComponentMetrics): void {
  countRequests(app, metrics);
  registerRoute(app, componentMetricsRoute, async ({ reply }) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
