/**
 * Prometheus metrics of `director up` (one process runs every component): with DIRECTOR_METRICS_TOKEN, the manager's
 * /metrics carries the worker's series too, and the orchestrator and router answer /metrics on their internal ports
 * to that token only (not to their own internal tokens). The shared nginx's reloads are the orchestrator's.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "metrics e2e password";
const metricsToken = randomBytes(16).toString("hex");

describe("director up's metrics", () => {
  let director: DirectorProcess;

  beforeAll(async () => {
    director = await DirectorProcess.create({ DIRECTOR_METRICS_TOKEN: metricsToken });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    const api = await ApiSession.login(director.managerUrl, "admin", password);
    const created = await api.request("POST", "/api/sites", { json: { name: "counted" } });
    expect(created.status, created.text).toBe(202);
    expect((await api.waitForOperation(created.json().operation.id, 60_000)).status).toBe("succeeded");
  });

  afterAll(async () => {
    await director?.dispose();
  });

  const scrape = (port: number, token?: string) =>
    httpRequest({
      url: `http://127.0.0.1:${port}/metrics`,
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    });

  it("puts the worker's operations and outbox on the manager's /metrics", async () => {
    const answer = await scrape(director.ports.manager, metricsToken);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('director_worker_operations_total{kind="create_site",outcome="succeeded"} 1');
    expect(answer.text).toMatch(
      /director_worker_step_attempts_total\{kind="create_site",step="[a-z_]+",outcome="succeeded"\} 1/,
    );
    expect(answer.text).toContain('director_operation_outbox{state="unpublished"} 0');
    // the platform's own counts are there as before
    expect(answer.text).toMatch(/director_sites\{type="static",availability="enabled"\} 1/);
  });

  it("serves the orchestrator's and the router's metrics to the metrics token only", async () => {
    const secrets = JSON.parse(await readFile(path.join(director.dataDir, "secrets.json"), "utf8"));
    for (const [port, ownToken] of [
      [director.ports.orchestrator, secrets.orchestratorToken],
      [director.ports.router, secrets.routerToken],
    ] as const) {
      expect((await scrape(port)).status).toBe(401);
      expect((await scrape(port, ownToken)).status).toBe(401);
      expect((await scrape(port, metricsToken)).status).toBe(200);
    }
    const orchestrator = (await scrape(director.ports.orchestrator, metricsToken)).text;
    expect(orchestrator).toMatch(/director_nginx_reloads_total\{outcome="ok"\} [1-9]/);
    expect(orchestrator).toMatch(/director_orchestrator_process_resident_memory_bytes [1-9]/);
    expect(orchestrator).toMatch(
      /director_http_requests_total\{method="PUT",route="\/internal\/v1\/sites\/:id\/balancer",status="2\d\d"\} [1-9]/,
    );
    const router = (await scrape(director.ports.router, metricsToken)).text;
    expect(router).toMatch(/director_http_requests_total\{method="PUT",route="[^"]+",status="2\d\d"\} [1-9]/);
  });
});
