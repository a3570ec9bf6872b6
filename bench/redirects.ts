/**
 * bench/redirects: the cost of renamed sites' redirects on the balancer of a `director up` (issue 16). The whole set
 * is sent to the orchestrator at every rename (PUT /internal/v1/redirects: rendered as an nginx map, checked, reloaded),
 * so its time grows with the number of renamed names an installation keeps; and every request to the sites domain
 * passes the map.
 *
 * Baseline, in the same run: the same PUT with an empty set (what a rename costs with no other redirect kept), and
 * requests to a served site with no map entries. Figures at 1,000 and 10,000 redirects are given as ratios to it.
 *
 *   node --import tsx bench/redirects.ts [--sizes 0,1000,10000] [--reps 5] [--requests 2000]
 *
 * Prints a JSON report (stdout) and progress (stderr).
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { orchestratorApi } from "@director/contracts/orchestrator-api";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { InternalClient } from "@director/http-kit/internal-client";
import { httpRequest } from "@director/testing/http-request";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "0,1000,10000" },
    reps: { type: "string", default: "5" },
    requests: { type: "string", default: "2000" },
  },
});
const sizes = (values.sizes ?? "").split(",").map(Number);
const reps = Number(values.reps);
const requestCount = Number(values.requests);
const password = "benchmark password 1";
const say = (line: string) => process.stderr.write(`[redirects] ${line}\n`);
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

const director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: "warn" });
try {
  await director.start();
  await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
  const api = await ApiSession.login(director.managerUrl, "admin", password);
  const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "target", purpose: "project" } });
  if (created.status !== 201) throw new Error(`target: ${created.status} ${created.text}`);
  await api.request("PUT", "/api/sites/target/files/public/index.html", { body: "<h1>target</h1>" });
  const secrets = JSON.parse(await readFile(path.join(director.dataDir, "secrets.json"), "utf8"));
  const orchestrator = new InternalClient({
    component: "orchestrator",
    baseUrl: `http://127.0.0.1:${director.ports.orchestrator}`,
    token: secrets.orchestratorToken as InternalToken,
  });
  const visit = (name: string) =>
    httpRequest({ url: `${director.sitesUrl}/`, host: `${name}.sites.localhost:${director.ports.sites}` });
  /** sequential requests to `name`, answered with `status`: requests per second */
  async function requestsPerSecond(name: string, status: number): Promise<number> {
    const started = performance.now();
    for (let index = 0; index < requestCount; index += 1) {
      const answer = await visit(name);
      if (answer.status !== status) throw new Error(`${name}: ${answer.status}, not ${status}`);
    }
    return requestCount / ((performance.now() - started) / 1000);
  }

  const stages = [];
  for (const size of sizes) {
    const redirects = Array.from({ length: size }, (_, index) => ({
      from: `old-${String(index).padStart(5, "0")}`,
      to: "target",
    }));
    const samples: number[] = [];
    for (let rep = 0; rep < reps; rep += 1) {
      const started = performance.now();
      await orchestrator.request(orchestratorApi.setSiteRedirects, { body: { redirects } });
      samples.push(performance.now() - started);
    }
    // nginx's workers answer with the new configuration once the reload settled
    await new Promise((resolve) => setTimeout(resolve, 500));
    const served = await requestsPerSecond("target", 200);
    const redirected = size === 0 ? null : await requestsPerSecond(`old-${String(size - 1).padStart(5, "0")}`, 301);
    stages.push({
      redirects: size,
      putMedianMs: round(median(samples)),
      servedRps: round(served, 0),
      redirectedRps: redirected === null ? null : round(redirected, 0),
    });
    say(JSON.stringify(stages.at(-1)));
  }
  const [baseline] = stages;
  const report = {
    benchmark: "redirects",
    reps,
    requests: requestCount,
    stages: stages.map((stage) => ({
      ...stage,
      putRatio: baseline ? round(stage.putMedianMs / baseline.putMedianMs) : null,
      servedRatio: baseline ? round(stage.servedRps / baseline.servedRps) : null,
    })),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await director.stop();
  await director.removeDockerObjects();
  await rm(director.dataDir, { recursive: true, force: true });
}
