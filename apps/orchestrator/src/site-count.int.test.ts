/**
 * DESIGN rule 6 kept: one site's change costs the same with 200 sites as with 2,000 (issue 10). A real nginx and the
 * real orchestrator (no Docker: running dynamic sites are proxied to a local HTTP server standing in for their tasks,
 * as the orchestrator renders a given upstream when it has no runtime). The work each change asks of nginx is
 * counted (no check or reload for a static site; one file checked for a running dynamic site), and the time until
 * the public sees it is compared between the two sizes. The per-site-file design this replaced took about 15 times
 * longer per change at 2,000 sites than at 200.
 */

import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import type { NginxServer } from "@director/host/nginx-server";
import { InternalClient } from "@director/http-kit/internal-client";
import { getWithHost } from "@director/testing/http-get";
import { startTestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orchestratorConfigSchema } from "./config.js";
import { createOrchestrator, type OrchestratorHandle } from "./main.js";
import { testToken } from "./testing/test-app.js";

const log = pino({ level: "silent" });
/** One site in this many is a running dynamic site with its own server block, as in a school's mix. */
const dynamicEvery = 50;
const samples = 15;

let root: string;
let server: NginxServer;
let orchestrator: OrchestratorHandle;
let client: InternalClient;
let edgePort: number;
/** Stands in for every dynamic site's task: answers with the Host it was asked for. */
let upstream: Server;
let upstreamPort: number;
let nextId = 1;
const nginxWork = { checks: 0, checkedFiles: 0, reloads: 0 };

beforeAll(async () => {
  const nginx = await startTestNginx({ prefix: "director-site-count-", includeDirNames: ["sites"], log });
  ({ root, server, port: edgePort } = nginx);
  // Counts what a change asks of nginx, then does it.
  const testFiles = server.testFiles.bind(server);
  const reload = server.reload.bind(server);
  server.testFiles = async (files) => {
    nginxWork.checks += 1;
    nginxWork.checkedFiles += files.length;
    return testFiles(files);
  };
  server.reload = async () => {
    nginxWork.reloads += 1;
    return reload();
  };
  upstream = createServer((request, response) => response.end(`task of ${request.headers.host}`));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
  const config = orchestratorConfigSchema.parse({
    http: { port: 0 },
    token: testToken,
    installationId: "test",
    sites: { dir: path.join(root, "sites") },
    balancer: { listen: `127.0.0.1:${edgePort}`, nginxDir: path.join(root, "nginx") },
    files: {},
  });
  orchestrator = createOrchestrator(config, {
    balancerFiles: new NginxConfigStore(nginx.confDirs.sites ?? "", server, log),
    log,
  });
  client = new InternalClient({ component: "orchestrator", baseUrl: await orchestrator.listen(), token: testToken });
}, 60_000);

afterAll(async () => {
  await orchestrator?.close();
  await server?.stop();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

const nameOf = (id: number) => `site-${id}`;

/** Makes site `id` as a create operation does: its directories, a page, and its place on the balancer. */
async function makeSite(id: number): Promise<void> {
  const params = { id };
  const name = nameOf(id);
  if (id % dynamicEvery === 0) {
    const running = { address: "127.0.0.1", port: upstreamPort };
    await client.request(api.upsertBalancer, {
      params,
      body: { name, type: "dynamic", availability: "enabled", upstream: running },
    });
    return;
  }
  await client.request(api.ensureSiteDirectories, { params });
  await client.request(api.writeFile, { params, query: { path: "public/index.html" }, body: Buffer.from(name) });
  await client.request(api.upsertBalancer, { params, body: { name, type: "static", availability: "enabled" } });
}

async function growTo(count: number): Promise<void> {
  const ids = Array.from({ length: count - nextId + 1 }, (_, i) => nextId + i);
  nextId = count + 1;
  // Eight at a time, as the worker's operations would arrive.
  for (let i = 0; i < ids.length; i += 8) await Promise.all(ids.slice(i, i + 8).map(makeSite));
}

/** Milliseconds from the start of a new site's creation until the public gets its page. */
async function timeOneCreation(id: number): Promise<number> {
  const started = performance.now();
  await makeSite(id);
  const expected = id % dynamicEvery === 0 ? `task of ${nameOf(id)}.sites.localhost` : nameOf(id);
  for (;;) {
    const answer = await getWithHost(edgePort, `${nameOf(id)}.sites.localhost`);
    if (answer.status === 200 && answer.body.toString() === expected) return performance.now() - started;
    if (performance.now() - started > 10_000) throw new Error(`site ${id} was not served within 10 s`);
  }
}

/**
 * The lower quartile of the times of `samples` new static sites and of `samples` new running dynamic sites, and the
 * work each took. A quartile rather than the median: other tests running beside this one only ever add time, and
 * what is compared is what a change costs, not how busy the machine was.
 */
async function measure(): Promise<{ staticMs: number; dynamicMs: number; staticWork: typeof nginxWork }> {
  const staticTimes: number[] = [];
  const before = { ...nginxWork };
  for (let i = 0; i < samples; i++) {
    let id = nextId++;
    if (id % dynamicEvery === 0) id = nextId++;
    staticTimes.push(await timeOneCreation(id));
  }
  const staticWork = {
    checks: nginxWork.checks - before.checks,
    checkedFiles: nginxWork.checkedFiles - before.checkedFiles,
    reloads: nginxWork.reloads - before.reloads,
  };
  const dynamicTimes: number[] = [];
  for (let i = 0; i < samples; i++) {
    // The next multiple of dynamicEvery: a running dynamic site.
    const id = Math.ceil(nextId / dynamicEvery) * dynamicEvery;
    nextId = id + 1;
    dynamicTimes.push(await timeOneCreation(id));
  }
  return { staticMs: lowerQuartile(staticTimes), dynamicMs: lowerQuartile(dynamicTimes), staticWork };
}

function lowerQuartile(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 4)] ?? Number.NaN;
}

describe("one site's change with 200 and with 2,000 sites", () => {
  it("costs the same nginx work and about the same time", async () => {
    await growTo(200);
    const small = await measure();
    await growTo(2_000);
    const large = await measure();
    const report = JSON.stringify({ small, large });

    // A static site's creation writes no nginx configuration: nothing to check, nothing to reload.
    expect(small.staticWork, report).toEqual({ checks: 0, checkedFiles: 0, reloads: 0 });
    expect(large.staticWork, report).toEqual({ checks: 0, checkedFiles: 0, reloads: 0 });
    // A running dynamic site's creation checked its own file with the shared block only, once each.
    expect(nginxWork.checkedFiles / nginxWork.checks, report).toBeLessThanOrEqual(2);

    expect(large.staticMs / small.staticMs, report).toBeLessThan(1.5);
    expect(large.dynamicMs / small.dynamicMs, report).toBeLessThan(1.5);
  }, 300_000);
});
