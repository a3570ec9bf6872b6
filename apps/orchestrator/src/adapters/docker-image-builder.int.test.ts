/**
 * Per-site images on the real Docker engine: the Debian base image made with debootstrap (once; it is kept under its
 * tag), a site image with a real Debian package, reuse of an unchanged recipe, a typo'd package's build log, and
 * package names apt-get would read as patterns.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { ImageRef } from "@director/domain/image-ref";
import type { PackageName } from "@director/domain/package-name";
import type { SiteId } from "@director/domain/site";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteImages } from "../core/site-images.js";
import { ensureDebianBaseImage } from "./debian-base-image.js";
import { DockerImageBuilder } from "./docker-image-builder.js";
import { readLogLines } from "./docker-log-lines.js";
import { removeDockerTestObjects } from "./docker-test-objects.js";
import { baseImageLabel, ensureBusyboxBaseImage, stableBusyboxTag } from "./local-base-images.js";

const docker = new Docker();
const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
const busyboxName = `director-test/base-busybox-${randomBytes(4).toString("hex")}`;
const aptSetup = "apt-get update -qq";
const aptInstall = "apt-get install -y -qq --no-install-recommends";
const installationId = `test${randomBytes(4).toString("hex")}`;
let debian: ImageRef;
let images: SiteImages;

beforeAll(async () => {
  debian = await ensureDebianBaseImage(docker);
  images = new SiteImages({
    builder: new DockerImageBuilder(docker),
    baseImage: () => ensureBusyboxBaseImage(docker, { imageName: busyboxName }),
    installationId,
  });
}, 15 * 60_000);

afterAll(async () => {
  const built = await docker.listImages({ filters: { label: [`org.director.installation=${installationId}`] } });
  await removeDockerTestObjects(docker, {
    serviceNames: [],
    imageRefs: [...built.map((image) => image.Id), `${busyboxName}:${stableBusyboxTag}`],
  });
  const busybox = await docker.listImages({ filters: { reference: [`${busyboxName}:*`] } });
  await removeDockerTestObjects(docker, { serviceNames: [], imageRefs: busybox.map((image) => image.Id) });
});

/** Runs `command` in a throw-away container of `image` (as the image's user); returns exit code and output. */
async function runIn(image: string, command: string[]): Promise<{ exitCode: number; output: string }> {
  const container = await docker.createContainer({ Image: image, Cmd: command, HostConfig: { NetworkMode: "none" } });
  try {
    await container.start();
    const exit = (await container.wait()) as { StatusCode: number };
    const lines = await readLogLines(docker.modem, await container.logs({ stdout: true, stderr: true }));
    const output = lines.map((line) => line.text).join("\n");
    return { exitCode: exit.StatusCode, output };
  } finally {
    await container.remove({ force: true });
  }
}

const recipe = (packages: string[]) => ({
  siteId,
  parent: debian,
  setupCommands: aptSetup,
  installCommandPrefix: aptInstall,
  packages: packages as PackageName[],
});

describe("Debian base image", () => {
  it("is labelled and runs as the site user", async () => {
    const inspected = await docker.getImage(debian).inspect();
    expect(inspected.Config.Labels?.[baseImageLabel]).toBe("debian");
    const { exitCode, output } = await runIn(debian, ["sh", "-c", "id -u; id -un; apt-get --version | head -1"]);
    expect(exitCode).toBe(0);
    expect(output).toMatch(/^1000\nsite\napt /);
  });
});

describe("SiteImages on DockerImageBuilder", () => {
  it("builds a site image with a real Debian package, run as the site user, and reuses it unchanged", async () => {
    const first = await images.prepare(recipe(["jq"]));
    expect(first.isBuilt).toBe(true);
    expect(first.image).toMatch(new RegExp(`^director/${installationId}-site-${siteId}:[0-9a-f]{16}$`));
    const inspected = await docker.getImage(first.image).inspect();
    expect(inspected.Config.Labels).toMatchObject({
      "org.director.installation": installationId,
      "org.director.site-id": String(siteId),
      "org.director.managed": "true",
    });
    const { exitCode, output } = await runIn(first.image, ["sh", "-c", "id -u; echo '{\"a\":[1,2]}' | jq -c .a"]);
    expect(exitCode, output).toBe(0);
    expect(output).toBe("1000\n[1,2]");

    const again = await images.prepare(recipe(["jq", "jq"]));
    expect(again).toEqual({ image: first.image, isBuilt: false });
  }, 300_000);

  it("fails a typo'd package with IMAGE_BUILD_FAILED, naming it in the log, tagging nothing", async () => {
    const error = await images.prepare(recipe(["jq", "nosuchpackagexyz"])).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "IMAGE_BUILD_FAILED" });
    const log = (error as { details: { log: string[] } }).details.log;
    expect(log.join("\n")).toContain("director: no package named nosuchpackagexyz in this image's package index");
    expect(log.length).toBeLessThanOrEqual(100);
    const tagged = await docker.listImages({ filters: { reference: [`director/${installationId}-site-${siteId}`] } });
    expect(tagged.flatMap((image) => image.RepoTags ?? [])).toHaveLength(1); // only the jq image of the test above
  }, 300_000);

  it("installs only exact names: a name apt-get would read as a pattern fails the build, installing nothing", async () => {
    // apt-get install 'li.onig5' installs libonig5, a package the site never named (apt 2.6's regex fallback)
    const error = await images.prepare(recipe(["li.onig5"])).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "IMAGE_BUILD_FAILED" });
    const log = (error as { details: { log: string[] } }).details.log.join("\n");
    expect(log).toContain("director: no package named li.onig5 in this image's package index");
    expect(log).not.toContain("libonig5");
  }, 300_000);

  it("passes the names as they are to an install command that is not apt's", async () => {
    const busybox = `${busyboxName}:${stableBusyboxTag}` as ImageRef;
    const built = await images.prepare({
      siteId,
      parent: busybox,
      setupCommands: "",
      installCommandPrefix: "echo would install >/tmp/packages",
      packages: ["python3-d.+"] as PackageName[],
    });
    expect(built.isBuilt).toBe(true);
    const { exitCode, output } = await runIn(built.image, ["cat", "/tmp/packages"]);
    expect(exitCode, output).toBe(0);
    expect(output).toBe("would install python3-d.+");
  }, 120_000);

  it("runs the parent itself when nothing is added, and names a missing parent plainly", async () => {
    const plain = await images.prepare({ ...recipe([]), setupCommands: "" });
    expect(plain).toEqual({ image: debian, isBuilt: false });
    const busybox = await images.prepare({
      ...recipe([]),
      setupCommands: "",
      parent: `${busyboxName}:${stableBusyboxTag}` as ImageRef,
    });
    expect(busybox.image).toBe(`${busyboxName}:${stableBusyboxTag}`);
    await expect(
      images.prepare({ ...recipe(["jq"]), parent: "director-test/no-such-image:1" as ImageRef }),
    ).rejects.toMatchObject({
      code: "IMAGE_BUILD_FAILED",
      message: expect.stringContaining("not on the Docker engine"),
    });
  }, 120_000);
});

describe("SiteImages.prune on the real engine", () => {
  it("removes the site's images but the one to keep, leaves one a container uses, and never a base image", async () => {
    const pruneSiteId = (siteId + 1) as SiteId;
    const busybox = `${busyboxName}:${stableBusyboxTag}` as ImageRef;
    const quick = (marker: string) => ({
      siteId: pruneSiteId,
      parent: busybox,
      setupCommands: `echo ${marker} > /tmp/marker`,
      installCommandPrefix: "",
      packages: [],
    });
    const one = (await images.prepare(quick("one"))).image;
    const two = (await images.prepare(quick("two"))).image;
    const three = (await images.prepare(quick("three"))).image;
    const user = await docker.createContainer({ Image: one, Cmd: ["true"] }); // created, never started: still a user
    try {
      const first = await images.prune(pruneSiteId, three);
      expect(first).toEqual({ removed: [two], inUse: [one] });
    } finally {
      await user.remove({ force: true });
    }
    const second = await images.prune(pruneSiteId, null);
    expect(second.removed.sort()).toEqual([one, three].sort());
    expect(second.inUse).toEqual([]);
    const left = await docker.listImages({
      filters: { label: [`org.director.installation=${installationId}`, `org.director.site-id=${pruneSiteId}`] },
    });
    expect(left).toEqual([]);
    expect(await new DockerImageBuilder(docker).imageId(busybox)).not.toBeNull();
  }, 120_000);
});
