/**
 * A site's own image on a real `director up`: an administrator makes the Debian base image (debootstrap, no
 * registry) and publishes it; a site asks for real Debian packages, its run.sh uses them, and the answer comes
 * through the router. A typo'd package then fails the image change with the build log visible, and the site keeps
 * running on its previous image.
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import { type HttpAnswer, httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "site image password";
const docker = (args: string[]) => promisify(execFile)("docker", args).then(({ stdout }) => stdout.trim());
// jq from the site's image writes the page; busybox (also from the image: Debian has no small web server) serves it.
const builtWithJq = /^"built with jq-1\.\d+"\n$/;
const runSh = `#!/bin/sh
mkdir -p /tmp/www
jq -n --arg version "$(jq --version)" '"built with " + $version' > /tmp/www/index.html
exec busybox httpd -f -p "$PORT" -h /tmp/www
`;

/** Removes images by reference once Swarm has removed the containers using them (asynchronously, after the service). */
async function removeImages(refs: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const ref of refs) {
    for (;;) {
      try {
        await docker(["rmi", ref]);
        break;
      } catch (error) {
        if (/No such image/.test(String(error))) break;
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}

describe("director up: a site's own image", () => {
  let director: DirectorProcess;
  let api: ApiSession;
  let siteId: number | undefined;
  /** the site images this test saw its service run, removed at the end */
  const siteImages = new Set<string>();

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    api = await ApiSession.login(director.managerUrl, "admin", password);
  });

  afterAll(async () => {
    try {
      if (siteId !== undefined) {
        await api.request("DELETE", "/api/sites/pkgs?wait=true", { json: { confirmName: "pkgs" } });
        // whatever a failed test left: this installation's service, then the images it ran
        const service = await serviceOfThisSite();
        if (service !== null) await docker(["service", "rm", service]);
        await removeImages([...siteImages]);
      }
    } finally {
      await director?.stop();
      // its site network too, as every other e2e file does (it was left behind at every run)
      await director?.removeDockerObjects();
      if (director) await rm(director.dataDir, { recursive: true, force: true });
    }
  });

  const site = () =>
    httpRequest({ url: `${director.sitesUrl}/`, host: `pkgs.sites.localhost:${director.ports.sites}` });

  async function until(predicate: (answer: HttpAnswer) => boolean, timeoutMs = 60_000): Promise<HttpAnswer> {
    const deadline = Date.now() + timeoutMs;
    let answer = await site();
    while (!predicate(answer) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await site();
    }
    return answer;
  }

  /** Changes the site's image and waits (builds take a while) for the operation to end. */
  async function changeImage(packages: string[]) {
    const answer = await api.request("PUT", "/api/sites/pkgs/image", { json: { image: "debian", packages } });
    expect(answer.status, answer.text).toBe(202);
    return api.waitForOperation(answer.json().operation.id, 10 * 60_000);
  }

  /** This installation's service of the site (other installations on the engine have their own site 1). */
  async function serviceOfThisSite(): Promise<string | null> {
    const installationId = await director.installationId();
    const ids = (
      await docker([
        "service",
        "ls",
        "-q",
        "--filter",
        `label=org.director.site-id=${siteId}`,
        "--filter",
        `label=org.director.installation=${installationId}`,
      ])
    )
      .split("\n")
      .filter(Boolean);
    return ids[0] ?? null;
  }

  const serviceImage = async () => {
    const service = await serviceOfThisSite();
    if (service === null) throw new Error(`no service of site ${siteId} under ${director.dataDir}`);
    const image = await docker([
      "service",
      "inspect",
      "--format",
      "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
      service,
    ]);
    if (/^director\/[a-z0-9]+-site-/.test(image)) siteImages.add(image);
    return image;
  };

  it("lets an administrator make the Debian base image and publish it", async () => {
    const made = await director.run(["images", "make-base", "debian"]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain("director/base-debian:bookworm");
    const published = await api.request("POST", "/api/images", {
      json: {
        name: "debian",
        friendlyName: "Debian 12",
        parentRef: "director/base-debian:bookworm",
        setupCommands: "apt-get update -qq",
        installCommandPrefix: "apt-get install -y -qq --no-install-recommends",
      },
    });
    expect(published.status, published.text).toBe(201);
  });

  it("builds the site's image with real Debian packages that its run.sh uses, served through the router", async () => {
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "pkgs", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    siteId = created.json().site.id;
    const uploaded = await api.request("PUT", "/api/sites/pkgs/files/run.sh?mode=755", { body: runSh });
    expect(uploaded.status, uploaded.text).toBe(200);

    const operation = await changeImage(["jq", "busybox"]);
    expect(operation.status, JSON.stringify(operation)).toBe("succeeded");
    // Until the new task runs, the old one (on the busybox base image, which has no jq) may still answer.
    const answer = await until((candidate) => builtWithJq.test(candidate.text));
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(builtWithJq);
    expect(await serviceImage()).toMatch(
      new RegExp(`^director/${await director.installationId()}-site-${siteId}:[0-9a-f]{16}$`),
    );
    const view = (await api.request("GET", "/api/sites/pkgs")).json();
    expect(view).toMatchObject({ image: "debian", packages: ["busybox", "jq"] });
  });

  it("fails a typo'd package with the build log visible, and keeps the site on its previous image", async () => {
    const before = await serviceImage();
    const operation = await changeImage(["jq", "busybox", "nosuchpackagexyz"]);
    expect(operation.status).toBe("failed");
    expect(operation.error).toContain("IMAGE_BUILD_FAILED");
    const [build, writeRunScript, apply] = operation.steps;
    expect(build).toMatchObject({ slug: "build_image", status: "failed" });
    expect(build.message).toContain("director: no package named nosuchpackagexyz");
    expect(writeRunScript).toMatchObject({ slug: "write_run_script", status: "pending" });
    expect(apply).toMatchObject({ slug: "apply_image", status: "pending" });

    // the failure stays visible on the site, which did not change
    const view = (await api.request("GET", "/api/sites/pkgs")).json();
    expect(view.operation.id).toBe(operation.id);
    expect(view.operation.steps[0].message).toContain("director: no package named nosuchpackagexyz");
    expect(view).toMatchObject({ image: "debian", packages: ["busybox", "jq"] });
    expect(await serviceImage()).toBe(before);
    expect((await site()).text).toMatch(builtWithJq);

    // and a restart still runs the previous image
    const restarted = await api.request("POST", "/api/sites/pkgs/restart?wait=true");
    expect(restarted.status, restarted.text).toBe(200);
    const answer = await until((candidate) => builtWithJq.test(candidate.text));
    expect(answer.text).toMatch(builtWithJq);
  });
  it("deletes the site and its own image with it", async () => {
    const image = await serviceImage();
    expect(await docker(["image", "inspect", "--format", "{{.Id}}", image])).toMatch(/^sha256:/);
    const deleted = await api.request("DELETE", "/api/sites/pkgs?wait=true", { json: { confirmName: "pkgs" } });
    expect(deleted.status, deleted.text).toBe(200);
    // removed once the task's container is gone: after the 10 s grace period when run.sh ignores SIGTERM
    const isGone = () =>
      docker(["image", "inspect", image]).then(
        () => false,
        (error: Error) => /No such image/.test(error.message),
      );
    await expect.poll(isGone, { timeout: 60_000, interval: 1000 }).toBe(true);
  });
});
