/**
 * DESIGN rule 6 kept: one site's change costs the same with 200 sites as with 2,000 (issue 10). A real nginx and the
 * real orchestrator (no Docker: running dynamic sites are proxied to a local HTTP server standing in for their tasks,
 * as the orchestrator renders a given upstream when it has no runtime). The work each change asks of nginx is
 * counted (configuration files written or removed, checks, files checked, reloads) and must be the same at both sizes: no
 * check or reload for a static site; one file written and checked with the shared block for a running dynamic site.
 * Each new site must also be served. How long a change takes is measured by bench/scale.ts (DESIGN: speed by
 * benchmarks, never by timed tests); the per-site-file design this replaced checked every site's file per change.
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
const nginxWork = { puts: 0, removes: 0, checks: 0, checkedFiles: 0, reloads: 0 };
type NginxWork = typeof nginxWork;

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
    // Plain directories: thousands of volumes would measure mkfs, not nginx's work per change.
    sites: { dir: path.join(root, "sites"), volumes: "directory" },
    balancer: { listen: `127.0.0.1:${edgePort}`, nginxDir: path.join(root, "nginx") },
    files: {},
  });
  const balancerFiles = new NginxConfigStore(nginx.confDirs.sites ?? "", server, log);
  const put = balancerFiles.put.bind(balancerFiles);
  const remove = balancerFiles.remove.bind(balancerFiles);
  balancerFiles.put = (name, content) => {
    nginxWork.puts += 1;
    return put(name, content);
  };
  balancerFiles.remove = (name) => {
    nginxWork.removes += 1;
    return remove(name);
  };
  orchestrator = createOrchestrator(config, {
    balancerFiles,
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

/** Creates a new site and waits until the public gets its page. */
async function createAndServe(id: number): Promise<void> {
  const started = performance.now();
  await makeSite(id);
  const expected = id % dynamicEvery === 0 ? `task of ${nameOf(id)}.sites.localhost` : nameOf(id);
  for (;;) {
    const answer = await getWithHost(edgePort, `${nameOf(id)}.sites.localhost`);
    if (answer.status === 200 && answer.body.toString() === expected) return;
    if (performance.now() - started > 10_000) throw new Error(`site ${id} was not served within 10 s`);
  }
}

/** The nginx work of one creation, counted around it. */
async function workOfOneCreation(id: number): Promise<NginxWork> {
  const before = { ...nginxWork };
  await createAndServe(id);
  return {
    puts: nginxWork.puts - before.puts,
    removes: nginxWork.removes - before.removes,
    checks: nginxWork.checks - before.checks,
    checkedFiles: nginxWork.checkedFiles - before.checkedFiles,
    reloads: nginxWork.reloads - before.reloads,
  };
}

/** The work of each of `samples` new static sites and `samples` new running dynamic sites. */
async function measure(): Promise<{ static: NginxWork[]; dynamic: NginxWork[] }> {
  const staticWork: NginxWork[] = [];
  for (let i = 0; i < samples; i++) {
    let id = nextId++;
    if (id % dynamicEvery === 0) id = nextId++;
    staticWork.push(await workOfOneCreation(id));
  }
  const dynamicWork: NginxWork[] = [];
  for (let i = 0; i < samples; i++) {
    // The next multiple of dynamicEvery: a running dynamic site.
    const id = Math.ceil(nextId / dynamicEvery) * dynamicEvery;
    nextId = id + 1;
    dynamicWork.push(await workOfOneCreation(id));
  }
  return { static: staticWork, dynamic: dynamicWork };
}

describe("one site's change with 200 and with 2,000 sites", () => {
  it("costs the same nginx work, and every new site is served", async () => {
    await growTo(200);
    const small = await measure();
    await growTo(2_000);
    const large = await measure();
    const report = JSON.stringify({ small, large });

    // A static site's creation writes no nginx configuration (it only makes sure no own block of an earlier release
    // is left, which reads one file): nothing to check, nothing to reload.
    const none = { puts: 0, removes: 1, checks: 0, checkedFiles: 0, reloads: 0 };
    for (const work of [...small.static, ...large.static]) expect(work, report).toEqual(none);
    // A running dynamic site's creation writes its own file and checks it with the shared block only, once; at most
    // one reload (reloads are shared between changes that overlap, so one may carry another's).
    for (const work of [...small.dynamic, ...large.dynamic]) {
      expect(work.puts, report).toBe(1);
      expect(work.checks, report).toBe(1);
      expect(work.checkedFiles, report).toBeLessThanOrEqual(2);
      expect(work.reloads, report).toBeLessThanOrEqual(1);
    }
    // The same at both sizes.
    expect(
      large.dynamic.map((work) => work.checkedFiles),
      report,
    ).toEqual(small.dynamic.map((work) => work.checkedFiles));
  }, 300_000);

  it("adds a static site's own domain among 2,000 sites with a link only, served at once", async () => {
    const id = 3; // a static site made above (ids not a multiple of dynamicEvery)
    expect(id % dynamicEvery).not.toBe(0);
    const before = { ...nginxWork };
    await client.request(api.upsertBalancer, {
      params: { id },
      body: { name: nameOf(id), type: "static", availability: "enabled", domains: ["www.club-three.example"] },
    });
    const answer = await getWithHost(edgePort, "www.club-three.example");
    expect({ status: answer.status, body: answer.body.toString() }).toEqual({ status: 200, body: nameOf(id) });
    expect({
      puts: nginxWork.puts - before.puts,
      checks: nginxWork.checks - before.checks,
      reloads: nginxWork.reloads - before.reloads,
    }).toEqual({ puts: 0, checks: 0, reloads: 0 });
  });
});
