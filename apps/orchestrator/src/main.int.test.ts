import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { routePath } from "@director/contracts/route";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import type { NginxServer } from "@director/host/nginx-server";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { InternalClient } from "@director/http-kit/internal-client";
import { getWithHost } from "@director/testing/http-get";
import { httpRequest } from "@director/testing/http-request";
import { startTestNginx } from "@director/testing/test-nginx";
import { expectedRotationAnswers, internalCallStatus, tokenRotationAnswers } from "@director/testing/token-rotation";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OrchestratorConfig, orchestratorConfigSchema } from "./config.js";
import { createOrchestrator, type OrchestratorHandle } from "./main.js";
import { testToken } from "./testing/test-app.js";

const log = pino({ level: "silent" });
let root: string;
let server: NginxServer;
let orchestrator: OrchestratorHandle;
let baseUrl: string;
let edgePort: number;
let sitesStore: NginxConfigStore;
let config: OrchestratorConfig;

beforeAll(async () => {
  const nginx = await startTestNginx({ prefix: "director-orchestrator-", includeDirNames: ["default", "sites"], log });
  ({ root, server, port: edgePort } = nginx);
  const defaultDir = nginx.confDirs.default ?? "";
  const sitesConfDir = nginx.confDirs.sites ?? "";
  // Stands in for the router's default server, so that "no site" is a 404 rather than another site.
  await new NginxConfigStore(defaultDir, server, log).put(
    parseNginxConfigFileName("00-default.conf"),
    `server {\n    listen 127.0.0.1:${edgePort} default_server;\n    return 404;\n}\n`,
  );
  config = orchestratorConfigSchema.parse({
    http: { port: 0 },
    token: testToken,
    installationId: "test",
    // Plain directories: a closed orchestrator leaves site volumes mounted, which the test's cleanup would meet.
    sites: { dir: path.join(root, "sites"), volumes: "directory" },
    balancer: { listen: `127.0.0.1:${edgePort}`, nginxDir: path.join(root, "nginx") },
    files: {},
  });
  sitesStore = new NginxConfigStore(sitesConfDir, server, log);
  orchestrator = createOrchestrator(config, { balancerFiles: sitesStore, log });
  baseUrl = await orchestrator.listen();
});

afterAll(async () => {
  await orchestrator?.close();
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

const clientWith = (token: string) =>
  new InternalClient({ component: "orchestrator", baseUrl, token: token as InternalToken });
const client = () => clientWith(testToken);

const site = { params: { id: 5 } };
const spec = { name: "hello", type: "static", availability: "enabled" } as const;
const page = Buffer.from("<!doctype html><h1>Hello from a Director site</h1>\n");

describe("orchestrator with a real nginx", () => {
  it("refuses requests without the token and changes nothing", async () => {
    const anonymous = await fetch(new URL(routePath(api.ensureSiteDirectories, site.params), baseUrl), {
      method: "PUT",
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("INTERNAL_AUTH_INVALID");
    // A client with the wrong token hears it as a deployment problem, not the user's.
    const wrong = clientWith("x".repeat(40));
    for (const call of [
      wrong.request(api.ensureSiteDirectories, site),
      wrong.request(api.upsertBalancer, { ...site, body: spec }),
    ]) {
      await expect(call).rejects.toMatchObject({ code: "COMPONENT_REJECTED", message: /refused our token/ });
    }
    expect(await readdir(path.join(root, "sites"))).toEqual([]);
    // Only the shared server block, written at start: no site got anything.
    expect(await readdir(path.join(root, "nginx", "sites"))).toEqual(["00-sites.conf"]);
    expect(await readdir(path.join(root, "nginx", "site-index", "ids"))).toEqual([]);
  });

  it("serves an uploaded file at <name>.<sitesDomain> once the balancer config is in place", async () => {
    await client().request(api.ensureSiteDirectories, site);
    const written = await client().request(api.writeFile, {
      ...site,
      query: { path: "public/index.html" },
      body: page,
    });
    expect(written).toEqual({ path: "public/index.html", sizeBytes: page.length, modifiedAt: expect.any(String) });
    await client().request(api.upsertBalancer, { ...site, body: spec });

    const response = await getWithHost(edgePort, "hello.sites.localhost");
    expect(response.status).toBe(200);
    expect(response.body).toEqual(page);
    expect(response.headers["content-type"]).toContain("text/html");

    const readBack = await client().request(api.readFile, { ...site, query: { path: "public/index.html" } });
    expect(readBack).toEqual({ kind: "bytes", body: page, contentType: "application/octet-stream" });
  });

  it("answers the notice page with 503 and none of the files when the site is not served", async () => {
    await client().request(api.upsertBalancer, { ...site, body: { ...spec, availability: "not-served" } });
    for (const pathname of ["/", "/index.html", "/logo.png"]) {
      const response = await getWithHost(edgePort, "hello.sites.localhost", pathname);
      expect(response.status).toBe(503);
      expect(response.headers["content-type"]).toContain("text/html");
      expect(response.body.toString()).toContain("exists but is not being served");
      expect(response.body.toString()).not.toContain("Hello from a Director site");
    }
  });

  it("stops matching the site's hostname once its balancer config is removed", async () => {
    await client().request(api.upsertBalancer, { ...site, body: spec });
    expect((await getWithHost(edgePort, "hello.sites.localhost")).status).toBe(200);
    await client().request(api.removeBalancer, site);
    await client().request(api.removeBalancer, site);
    const response = await getWithHost(edgePort, "hello.sites.localhost");
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain("Hello from a Director site");
  });

  it("serves a renamed site at its new name only, once the change resolves", async () => {
    await client().request(api.upsertBalancer, { ...site, body: spec });
    expect((await getWithHost(edgePort, "hello.sites.localhost")).status).toBe(200);
    await client().request(api.upsertBalancer, { ...site, body: { ...spec, name: "renamed" } });
    expect((await getWithHost(edgePort, "renamed.sites.localhost")).body).toEqual(page);
    const old = await getWithHost(edgePort, "hello.sites.localhost");
    expect(old.status).toBe(404);
    expect(old.body.toString()).toContain("No site is served at this address");
    await client().request(api.upsertBalancer, { ...site, body: spec });
  });

  it("redirects a renamed site's old name to its new one, keeping port, path and query; kept on disk", async () => {
    await client().request(api.upsertBalancer, { ...site, body: { ...spec, name: "renamed" } });
    await client().request(api.setSiteRedirects, { body: { redirects: [{ from: "hello", to: "renamed" }] } });
    const moved = await getWithHost(edgePort, `hello.sites.localhost:${edgePort}`, "/a/b.html?x=1");
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`http://renamed.sites.localhost:${edgePort}/a/b.html?x=1`);
    // the edge's scheme, http or https only; anything else is the request's own
    const viaEdge = await httpRequest({
      url: `http://127.0.0.1:${edgePort}/`,
      host: "hello.sites.localhost",
      headers: { "x-forwarded-proto": "https" },
    });
    expect(viaEdge.headers.location).toBe("https://renamed.sites.localhost/");
    const forged = await httpRequest({
      url: `http://127.0.0.1:${edgePort}/`,
      host: "hello.sites.localhost",
      headers: { "x-forwarded-proto": "javascript" },
    });
    expect(forged.headers.location).toBe("http://renamed.sites.localhost/");
    expect((await getWithHost(edgePort, "renamed.sites.localhost")).body).toEqual(page);
    // other names are not redirected
    expect((await getWithHost(edgePort, "other.sites.localhost")).status).toBe(404);
    // kept in the index directory: a new balancer on the same directory serves them again
    expect(await readFile(path.join(root, "nginx", "site-index", "redirects.json"), "utf8")).toBe(
      '[{"from":"hello","to":"renamed"}]\n',
    );
    await expect(
      client().request(api.setSiteRedirects, { body: { redirects: [{ from: "Bad Name", to: "renamed" }] } }),
    ).rejects.toMatchObject({ code: "SITE_NAME_INVALID" });
    await client().request(api.setSiteRedirects, { body: { redirects: [] } });
    expect((await getWithHost(edgePort, "hello.sites.localhost")).status).toBe(404);
    await client().request(api.upsertBalancer, { ...site, body: spec });
  });

  it("serves the site at its own domains too, and stops once a domain is taken off it", async () => {
    await client().request(api.upsertBalancer, {
      ...site,
      body: { ...spec, domains: ["www.example.test", "shop.example.test"] },
    });
    for (const host of ["www.example.test", "SHOP.example.test", "hello.sites.localhost"]) {
      const response = await getWithHost(edgePort, host);
      expect({ host, status: response.status }).toEqual({ host, status: 200 });
      expect(response.body).toEqual(page);
    }
    // A domain that is not the site's, and one only a prefix of its domain, are no site.
    for (const host of ["other.example.test", "example.test", "www.example.test.evil.test"]) {
      const response = await getWithHost(edgePort, host);
      expect({ host, status: response.status }).toEqual({ host, status: 404 });
      expect(response.body.toString()).toContain("No site is served at this address");
    }
    // Not served: its domains say so like its name does, with the domain in the page.
    await client().request(api.upsertBalancer, {
      ...site,
      body: { ...spec, availability: "not-served", domains: ["www.example.test"] },
    });
    const notServed = await getWithHost(edgePort, "www.example.test");
    expect(notServed.status).toBe(503);
    expect(notServed.body.toString()).toContain("The site www.example.test exists but is not being served");
    expect((await getWithHost(edgePort, "shop.example.test")).status).toBe(404);
    const inventory = await client().request(api.inventory, {});
    const balancer = inventory.sites.find((entry) => entry.id === 5)?.balancer;
    expect(balancer).toMatchObject({ isConfigCurrent: true, spec: { domains: ["www.example.test"] } });

    await client().request(api.upsertBalancer, { ...site, body: spec });
    expect((await getWithHost(edgePort, "www.example.test")).status).toBe(404);
    expect((await getWithHost(edgePort, "hello.sites.localhost")).body).toEqual(page);
  });

  it("says a dynamic site without a running process is not running, with 503", async () => {
    await client().request(api.upsertBalancer, { ...site, body: { ...spec, type: "dynamic" } });
    const response = await getWithHost(edgePort, "hello.sites.localhost", "/index.html");
    expect(response.status).toBe(503);
    expect(response.body.toString()).toContain("The process of the site hello is not running");
    await client().request(api.upsertBalancer, { ...site, body: spec });
    expect((await getWithHost(edgePort, "hello.sites.localhost")).body).toEqual(page);
  });

  it("answers hosts that name no site with 404, whatever their shape", async () => {
    for (const host of ["nosuch.sites.localhost", "a.hello.sites.localhost", "-x.sites.localhost", "hello.sites"]) {
      const response = await getWithHost(edgePort, host);
      expect({ host, status: response.status }).toEqual({ host, status: 404 });
      expect(response.body.toString()).not.toContain("Hello from a Director site");
    }
    // nginx compares host names in lower case: the same site.
    expect((await getWithHost(edgePort, "HELLO.Sites.Localhost")).body).toEqual(page);
  });

  it("does not follow public/ itself when the site swaps it for a symlink", async () => {
    const siteDir = path.join(root, "sites", "5");
    const { mkdir, rename, symlink, writeFile } = await import("node:fs/promises");
    // Another directory the site's owner would like to publish: a sibling with a file of its own.
    const elsewhere = path.join(root, "elsewhere");
    await mkdir(elsewhere, { recursive: true });
    await writeFile(path.join(elsewhere, "index.html"), "not this site's public files");
    await rename(path.join(siteDir, "public"), path.join(siteDir, "public.real"));
    try {
      await symlink(elsewhere, path.join(siteDir, "public"));
      await new Promise((resolve) => setTimeout(resolve, 1100)); // past nginx's open-file cache
      const response = await getWithHost(edgePort, "hello.sites.localhost", "/index.html");
      expect(response.status).toBe(404);
      expect(response.body.toString()).not.toContain("not this site's public files");
    } finally {
      await rm(path.join(siteDir, "public"), { force: true });
      await rename(path.join(siteDir, "public.real"), path.join(siteDir, "public"));
    }
  });

  it("moves a site served by its own block (before the site index) to the index on its next change", async () => {
    // The block an earlier release wrote for every static site; an exact server_name, so it wins over the shared one.
    const legacy = parseNginxConfigFileName("site-5.conf");
    const siteDir = path.join(root, "sites", "5");
    await client().request(api.removeBalancer, site);
    await sitesStore.put(
      legacy,
      `server {\n    listen 127.0.0.1:${edgePort};\n    server_name hello.sites.localhost;\n    disable_symlinks on;\n    root ${siteDir}/public;\n}\n`,
    );
    expect((await getWithHost(edgePort, "hello.sites.localhost")).body).toEqual(page);
    const before = await client().request(api.inventory, { query: { siteId: 5 } });
    expect(before.sites[0]?.balancer).toMatchObject({ hasConfig: true, isConfigCurrent: false });

    await client().request(api.upsertBalancer, { ...site, body: spec });
    expect(await readdir(path.join(root, "nginx", "sites"))).toEqual(["00-sites.conf"]);
    expect((await getWithHost(edgePort, "hello.sites.localhost")).body).toEqual(page);
    const after = await client().request(api.inventory, { query: { siteId: 5 } });
    expect(after.sites[0]?.balancer).toMatchObject({ hasConfig: true, isConfigCurrent: true });
  });

  it("does not serve a symlink planted in public/", async () => {
    const { symlink } = await import("node:fs/promises");
    await client().request(api.upsertBalancer, { ...site, body: spec });
    await symlink("/etc/passwd", path.join(root, "sites", "5", "public", "passwd.txt"));
    const response = await getWithHost(edgePort, "hello.sites.localhost", "/passwd.txt");
    // disable_symlinks makes the link look absent to try_files: 404, never the link's target.
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain("root:");
  });

  it("removes the site's directory idempotently", async () => {
    await client().request(api.removeSiteDirectories, site);
    await client().request(api.removeSiteDirectories, site);
    expect(await readdir(path.join(root, "sites"))).toEqual([]);
  });

  it("accepts its old token beside the new one during a rotation, and only the new one after", async () => {
    // Orchestrators of the same configuration but their tokens, each asked for its read-only inventory.
    const answers = await tokenRotationAnswers(async (tokens) => {
      const rotated = createOrchestrator(
        { ...config, ...(tokens as Pick<OrchestratorConfig, "token" | "previousToken">) },
        {
          balancerFiles: sitesStore,
          log,
        },
      );
      const rotatedUrl = await rotated.listen();
      return {
        statusWith: (given) => internalCallStatus(`${rotatedUrl}${api.inventory.path}`, given),
        close: () => rotated.close(),
      };
    });
    expect(answers).toEqual(expectedRotationAnswers);
  });
});
