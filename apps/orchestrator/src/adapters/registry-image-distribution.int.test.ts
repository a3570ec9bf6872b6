/**
 * Images through a real registry (Debian's docker-registry) on the real Docker engine: a site's image is pushed and
 * named by the digest the registry holds; a swarm service on an engine that has lost the image pulls it back by that
 * digest and runs it; the site's clean-up keeps every tag of the image it runs; a registry that does not answer is
 * REGISTRY_UNAVAILABLE, and the next call tries again.
 */
import { randomBytes, randomInt } from "node:crypto";
import { DirectorError } from "@director/domain/errors";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import type { SiteId } from "@director/domain/site";
import { freePort } from "@director/testing/free-port";
import { startTestRegistry, type TestRegistry } from "@director/testing/test-registry";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRegistryAddress } from "../core/image-distribution.js";
import { SiteImages } from "../core/site-images.js";
import { DockerImageBuilder } from "./docker-image-builder.js";
import { removeDockerTestObjects } from "./docker-test-objects.js";
import { ensureBusyboxBaseImage, stableBusyboxTag } from "./local-base-images.js";
import { RegistryImageDistribution } from "./registry-image-distribution.js";

const docker = new Docker();
const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
const busyboxName = `director-test/base-busybox-${randomBytes(4).toString("hex")}`;
const installationId = `test${randomBytes(4).toString("hex")}`;
const serviceName = `director-test-registry-${randomBytes(4).toString("hex")}`;
const greeting = `hello from the registry ${randomBytes(4).toString("hex")}`;
let registry: TestRegistry;
let images: SiteImages;
let base: ImageRef;

beforeAll(async () => {
  registry = await startTestRegistry();
  const baseImage = () => ensureBusyboxBaseImage(docker, { imageName: busyboxName });
  base = await baseImage();
  images = new SiteImages({
    builder: new DockerImageBuilder(docker),
    baseImage,
    installationId,
    distribution: new RegistryImageDistribution(docker, parseRegistryAddress(registry.address)),
  });
}, 120_000);

afterAll(async () => {
  const built = await docker.listImages({ filters: { label: [`org.director.installation=${installationId}`] } });
  const busybox = await docker.listImages({ filters: { reference: [`${busyboxName}:*`, `*/${busyboxName}:*`] } });
  await removeDockerTestObjects(docker, {
    serviceNames: [serviceName],
    imageRefs: [...built.map((image) => image.Id), ...busybox.map((image) => image.Id)],
  });
  await registry?.stop();
});

const recipe = () => ({
  siteId,
  parent: parseImageRef(`${busyboxName}:${stableBusyboxTag}`),
  setupCommands: `echo '${greeting}' > /hello`,
  installCommandPrefix: "",
  packages: [],
});

/** The digest the registry itself gives `repository`'s manifest named by `digest` (404: it does not hold it). */
async function registryDigest(repository: string, digest: string): Promise<{ status: number; digest: string | null }> {
  const answer = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
    method: "HEAD",
    headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
  });
  return { status: answer.status, digest: answer.headers.get("docker-content-digest") };
}

describe("RegistryImageDistribution", () => {
  let pinned: ImageRef;

  it("pushes a site's new image and answers it pinned by the digest the registry holds", async () => {
    const prepared = await images.prepare(recipe());
    expect(prepared.isBuilt).toBe(true);
    const match = new RegExp(
      `^${registry.address}/(director/${installationId}-site-${siteId})@(sha256:[a-f0-9]{64})$`,
    ).exec(prepared.image);
    expect(match, prepared.image).not.toBeNull();
    const [, repository = "", digest = ""] = match ?? [];
    expect(await registryDigest(repository, digest)).toEqual({ status: 200, digest });
    pinned = prepared.image;
  }, 120_000);

  it("answers the same pinned image for the unchanged recipe, without building it again", async () => {
    const again = await images.prepare(recipe());
    expect(again).toEqual({ image: pinned, isBuilt: false });
  }, 60_000);

  it("pushes a parent image a site runs as it is, so other nodes can pull that too", async () => {
    const parentOnly = await images.prepare({ ...recipe(), setupCommands: "" });
    expect(parentOnly.isBuilt).toBe(false);
    expect(parentOnly.image).toMatch(new RegExp(`^${registry.address}/${busyboxName}@sha256:[a-f0-9]{64}$`));
    expect((await docker.getImage(parentOnly.image).inspect()).Id).toBe((await docker.getImage(base).inspect()).Id);
  }, 60_000);

  it("keeps every tag of the image the site runs when it cleans up, the local one a rebuild looks for included", async () => {
    const before = await tagsOfSite();
    expect(before.length).toBe(2); // the local build tag and the registry's
    const { removed } = await images.prune(siteId, pinned);
    expect(removed).toEqual([]);
    expect(await tagsOfSite()).toEqual(before);
  });

  it("runs a swarm service from the pinned image on an engine that no longer has it: the engine pulls it by digest", async () => {
    for (const tag of await tagsOfSite()) await docker.getImage(tag).remove();
    await expect(docker.getImage(pinned).inspect()).rejects.toMatchObject({ statusCode: 404 });

    await docker.createService({
      Name: serviceName,
      TaskTemplate: {
        ContainerSpec: { Image: pinned, Command: ["/bin/sh", "-c", "cat /hello; exec sleep 600"] },
        RestartPolicy: { Condition: "none" },
      },
      Mode: { Replicated: { Replicas: 1 } },
    });
    const state = await waitForTaskState(serviceName, 60_000);
    expect(state).toBe("running");
    expect((await docker.getImage(pinned).inspect()).RepoDigests).toContain(pinned);
    expect(await serviceOutput(serviceName)).toContain(greeting);
  }, 120_000);

  it("says REGISTRY_UNAVAILABLE when the registry does not answer, and tries again on the next call", async () => {
    const nowhere = new RegistryImageDistribution(docker, parseRegistryAddress(`127.0.0.1:${await freePort()}`));
    const failure = await nowhere.distribute(base).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectorError);
    expect(failure).toMatchObject({ code: "REGISTRY_UNAVAILABLE" });
    expect((failure as Error).message).toMatch(/DIRECTOR_REGISTRY/);
    // Not remembered: the second call pushes again, and fails again, rather than answering the first failure.
    const second = await nowhere.distribute(base).catch((error: unknown) => error);
    expect(second).toMatchObject({ code: "REGISTRY_UNAVAILABLE" });
    expect(second).not.toBe(failure);
  }, 60_000);
});

async function tagsOfSite(): Promise<string[]> {
  const listed = await docker.listImages({ filters: { label: [`org.director.site-id=${siteId}`] } });
  return listed.flatMap((image) => image.RepoTags ?? []).sort();
}

async function waitForTaskState(service: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let state = "none";
  while (Date.now() < deadline) {
    const tasks = (await docker.listTasks({ filters: { service: [service] } })) as Array<{
      Status?: { State?: string; Err?: string };
    }>;
    state = tasks[0]?.Status?.State ?? "none";
    if (state === "running") return state;
    if (state === "failed" || state === "rejected") return `${state}: ${tasks[0]?.Status?.Err ?? ""}`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return state;
}

async function serviceOutput(service: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  let text = "";
  while (Date.now() < deadline) {
    const body = await docker.getService(service).logs({ stdout: true, stderr: true, follow: false });
    text = Buffer.isBuffer(body) ? body.toString() : String(body);
    if (text.includes(greeting)) return text;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return text;
}
