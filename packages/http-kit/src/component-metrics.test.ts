import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ComponentMetrics, componentMetricsOf } from "./component-metrics.js";
import { buildInternalApp } from "./internal-app.js";
import { generateInternalToken } from "./internal-auth.js";

const metricsToken = randomBytes(16).toString("hex");
const internalToken = generateInternalToken();
const log = pino({ level: "silent" });

describe("GET /metrics of an internal API", () => {
  const apps: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  const build = (withMetrics: boolean) => {
    const metrics = new ComponentMetrics("router");
    const app = buildInternalApp({
      component: "router",
      token: internalToken,
      log,
      ...(withMetrics ? { metrics: { metrics, token: metricsToken } } : {}),
    });
    apps.push(app);
    return { app, metrics };
  };

  it("answers the metrics token only: not nobody, not a wrong token, not the component's own token", async () => {
    const { app } = build(true);
    for (const authorization of [undefined, "Bearer wrong-token-wrong-token", `Bearer ${internalToken}`]) {
      const answer = await app.inject({
        method: "GET",
        url: "/metrics",
        headers: authorization === undefined ? {} : { authorization },
      });
      expect([answer.statusCode, answer.json().error.code], String(authorization)).toEqual([401, "AUTH_REQUIRED"]);
    }
    const answer = await app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.body).toContain("director_router_process_resident_memory_bytes");
  });

  it("counts the requests it answered by route pattern and status, and the reloads it was told of", async () => {
    const { app, metrics } = build(true);
    await app.inject({ method: "GET", url: "/healthz" });
    await app.inject({ method: "GET", url: "/healthz" });
    await app.inject({ method: "GET", url: "/no/such/path" });
    metrics.observeReload("ok", 0.02);
    metrics.observeReload("failed", 0.5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('director_http_requests_total{method="GET",route="/healthz",status="200"} 2');
    expect(text).toContain('director_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('director_nginx_reloads_total{outcome="ok"} 1');
    expect(text).toContain('director_nginx_reloads_total{outcome="failed"} 1');
    expect(text).toContain("director_nginx_reload_duration_seconds_count 2");
  });

  it("shows no reload series for a component that never reloaded an nginx", async () => {
    const { metrics } = build(true);
    expect(await metrics.registry.metrics()).not.toContain("director_nginx_reloads_total");
  });

  it("has no such route without a metrics token", async () => {
    const { app } = build(false);
    const answer = await app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(answer.statusCode).toBe(404);
    expect(componentMetricsOf("router", undefined)).toBeUndefined();
    expect(componentMetricsOf("router", metricsToken)?.component).toBe("router");
  });
});
