/**
 * `director reconcile` against a real `director up` (real Docker Swarm, nginx, PostgreSQL): a dynamic site whose
 * service is removed by hand and a static site whose balancer file is deleted by hand are reported and put back,
 * and a second run finds nothing to do.
 */
import { execFile, execFileSync } from "node:child_process";
import { access, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { type HttpAnswer, httpRequest } from "@director/testing/http-request";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "reconcile e2e password";
const docker = new Docker();
const run = promisify(execFile);

describe("director reconcile", () => {
  let director: DirectorProcess;
  let api: ApiSession;
  let installationId: string;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    api = await ApiSession.login(director.managerUrl, "admin", password);
    installationId = JSON.parse(await readFile(path.join(director.dataDir, "secrets.json"), "utf8")).installationId;
    expect(installationId).toMatch(/^[a-z0-9]{1,16}$/);
  });

  afterAll(async () => {
    await director?.dispose();
  });

  const get = (name: string) =>
    httpRequest({ url: `${director.sitesUrl}/`, host: `${name}.sites.localhost:${director.ports.sites}` });

  async function until(name: string, predicate: (answer: HttpAnswer) => boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let answer = await get(name);
    while (!predicate(answer) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await get(name);
    }
    return answer;
  }

  async function upload(site: string, filePath: string, body: string, mode?: "755") {
    const answer = await api.request("PUT", `/api/sites/${site}/files/${filePath}${mode ? `?mode=${mode}` : ""}`, {
      body,
    });
    expect(answer.status, answer.text).toBe(200);
  }

  async function reconcile(...args: string[]) {
    const result = await director.run(["reconcile", ...args]);
    return { ...result, output: `${result.stdout}\n${result.stderr}` };
  }

  it("finds no drift on a fresh installation", async () => {
    const result = await reconcile();
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain(`Reconcile of installation ${installationId}: 0 site(s) checked.`);
    expect(result.stdout).toContain("No drift");
  });

  it("reports and restores a dynamic site's service removed by hand (docker service rm)", async () => {
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "app", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    const siteId: number = created.json().site.id;
    await upload("app", "public/index.html", "hello from app\n");
    await upload("app", "run.sh", '#!/bin/sh\nexec httpd -f -p "$PORT" -h /site/public\n', "755");
    const restarted = await api.request("POST", "/api/sites/app/restart?wait=true");
    expect(restarted.status, restarted.text).toBe(200);
    expect((await until("app", (answer) => answer.status === 200)).text).toBe("hello from app\n");

    const serviceName = `director-${installationId}-site-${siteId}`;
    const labels = (await docker.getService(serviceName).inspect()).Spec.Labels;
    expect(labels).toMatchObject({
      "org.director.site-id": String(siteId),
      "org.director.installation": installationId,
    });
    await run("docker", ["service", "rm", serviceName]);
    expect((await until("app", (answer) => answer.status === 503)).status).toBe(503);

    const dryRun = await reconcile("--dry-run");
    expect(dryRun.code, dryRun.output).toBe(1);
    expect(dryRun.stdout).toContain("service_missing");
    await expect(docker.getService(serviceName).inspect()).rejects.toMatchObject({ statusCode: 404 });

    const repaired = await reconcile();
    expect(repaired.code, repaired.output).toBe(0);
    expect(repaired.stdout).toMatch(/app:\n {2}- service_missing: The site is dynamic, but it has no Swarm service\./);
    expect(repaired.stdout).toMatch(/=> repaired \(operation \d+\)/);
    expect(repaired.stderr).toMatch(/app: operation \d+ (running|succeeded)/);
    expect((await until("app", (answer) => answer.status === 200)).text).toBe("hello from app\n");

    const again = await reconcile();
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain("1 site(s) checked");
    expect(again.stdout).toContain("No drift");
  });

  it("puts back a static site's balancer entry deleted by hand, and only reports it in a dry run", async () => {
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "plain" } });
    expect(created.status, created.text).toBe(201);
    const siteId: number = created.json().site.id;
    await upload("plain", "public/index.html", "plain and static\n");
    expect((await until("plain", (answer) => answer.status === 200)).text).toBe("plain and static\n");

    // The site's entry in the balancer's site index: without it, its name leads nowhere.
    const file = path.join(director.dataDir, "nginx", "site-index", "ids", String(siteId));
    await rm(file, { recursive: true });
    expect((await until("plain", (answer) => answer.status === 404)).text).toContain("No site is served");
    const dryRun = await reconcile("--dry-run", "--site", "plain");
    expect(dryRun.code, dryRun.output).toBe(1);
    expect(dryRun.stdout).toContain("balancer_config_missing");
    await expect(access(file)).rejects.toMatchObject({ code: "ENOENT" });

    const repaired = await reconcile("--json");
    expect(repaired.code, repaired.output).toBe(0);
    const report = JSON.parse(repaired.stdout);
    expect(report).toMatchObject({ installationId, isDryRun: false, isInSync: false, isRepaired: true });
    expect(report.items).toEqual([
      expect.objectContaining({
        site: "plain",
        isOrphan: false,
        drift: [{ kind: "balancer_config_missing", message: "The balancer does not serve the site." }],
        outcome: "repaired",
      }),
    ]);
    await access(file);
    expect((await until("plain", (answer) => answer.status === 200)).text).toBe("plain and static\n");

    const again = await reconcile("--json");
    expect(again.code, again.output).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ checkedSites: 2, isInSync: true, items: [] });
  });

  it("answers the same report to an administrator through the API", async () => {
    const answer = await api.request("POST", "/api/admin/reconcile", { json: { isDryRun: true } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toMatchObject({ installationId, isDryRun: true, checkedSites: 2, isInSync: true });
  });
  it("removes a leftover image of a site that no longer exists, and never another installation's", async () => {
    // As the orchestrator labels a site's image; the second belongs to another installation on the same engine.
    const build = (installation: string, tag: string) =>
      execFileSync("docker", ["build", "-q", "-t", tag, "-"], {
        input: `FROM director/base-busybox:latest\nLABEL org.director.installation="${installation}" org.director.site-id="4242" org.director.managed="true"\n`,
      });
    const leftover = `director/${installationId}-site-4242:leftover`;
    const foreign = "director/otherinstall-site-4242:kept";
    build(installationId, leftover);
    build("otherinstall", foreign);
    try {
      const dryRun = await reconcile("--dry-run", "--json");
      expect(dryRun.code, dryRun.output).toBe(1);
      expect(JSON.parse(dryRun.stdout).items).toEqual([
        expect.objectContaining({
          site: "#4242",
          isOrphan: true,
          outcome: "reported",
          drift: [expect.objectContaining({ kind: "orphan_images" })],
        }),
      ]);
      const repaired = await reconcile("--json");
      expect(repaired.code, repaired.output).toBe(0);
      expect(JSON.parse(repaired.stdout).items).toEqual([
        expect.objectContaining({ site: "#4242", outcome: "removed" }),
      ]);
      await expect(run("docker", ["image", "inspect", leftover])).rejects.toThrow(/No such image/);
      expect((await run("docker", ["image", "inspect", "--format", "{{.Id}}", foreign])).stdout).toMatch(/^sha256:/);
      const again = await reconcile("--json");
      expect(JSON.parse(again.stdout)).toMatchObject({ isInSync: true, items: [] });
    } finally {
      await run("docker", ["image", "rm", "-f", leftover, foreign]).catch(() => undefined);
    }
  });
});
