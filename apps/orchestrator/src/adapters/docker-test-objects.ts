/** For Docker integration tests only (never imported by runtime code): bounded polling and cleanup of what a test created. */
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import { type SiteUser, siteUserOf } from "../core/site-user.js";
import { siteNetworkConfigName } from "./swarm-network.js";

/** The uid range tests give their sites (random ids up to 10^9 fit under 2^31 from here). */
export const testSiteUidBase = 1_000_000_000;

/** The account of a test site, as the orchestrator would give it with `testSiteUidBase`. */
export function testSiteUser(siteId: SiteId): SiteUser {
  return siteUserOf(siteId, testSiteUidBase);
}

/** Polls `read` every 250 ms until `isDone` holds; rejects with the last value after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Removes the named services, waits (bounded) until their containers are gone, then removes the network and image. */
export async function removeDockerTestObjects(
  docker: Docker,
  objects: { serviceNames: readonly string[]; networkName?: string; imageRefs?: readonly string[] },
): Promise<void> {
  const failures: unknown[] = [];
  for (const name of objects.serviceNames) {
    await docker
      .getService(name)
      .remove()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) failures.push(error);
      });
  }
  if (objects.serviceNames.length > 0) {
    // Swarm removes a deleted service's containers asynchronously; the network and image stay in use until then.
    await waitFor(
      () => docker.listContainers({ all: true, filters: { label: ["org.director.managed=true"] } }),
      (containers) =>
        !containers.some((container) =>
          objects.serviceNames.includes(container.Labels["com.docker.swarm.service.name"] ?? ""),
        ),
      30_000,
    ).catch((error: unknown) => failures.push(error));
  }
  if (objects.networkName !== undefined) {
    // the site network, then the config-only network it takes its options from
    for (const name of [objects.networkName, siteNetworkConfigName(objects.networkName)]) {
      await removeNetwork(docker, name).catch((error: unknown) => failures.push(error));
    }
  }
  for (const ref of objects.imageRefs ?? []) {
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) failures.push(error);
      });
  }
  if (failures.length > 0) throw new AggregateError(failures, "Some Docker test objects could not be removed.");
}

/**
 * Removes a network; absent is fine. The engine releases a network a moment after the last container on it is gone
 * (and a config network after the network that uses it), answering 403 "in use" meanwhile: tries again for 15 s.
 */
async function removeNetwork(docker: Docker, name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await docker.getNetwork(name).remove();
      return;
    } catch (error) {
      const { statusCode, message } = error as { statusCode?: number; message?: string };
      if (statusCode === 404) return;
      const isInUse = statusCode === 403 && /in use|active endpoints/i.test(message ?? "");
      if (!isInUse || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
