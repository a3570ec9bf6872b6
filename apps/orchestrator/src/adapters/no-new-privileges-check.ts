/**
 * Whether site processes run with no-new-privileges, checked on the engine itself. Engine API 1.46 honours
 * `Privileges.NoNewPrivileges` in a service spec; older engines (Docker 20.10, Debian 12's) drop it silently, and
 * only the daemon's own `no-new-privileges` default (daemon.json) applies it. Nothing in `docker info` shows that
 * default, so a short-lived container asks the kernel (`NoNewPrivs` in /proc/self/status).
 */

import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import type Docker from "dockerode";
import { dockerFailure } from "./docker-errors.js";
import { readLogLines } from "./docker-log-lines.js";
import { managedLabel } from "./swarm-service-spec.js";

/** The first Engine API version that applies a service spec's Privileges.NoNewPrivileges. */
const specPrivilegesApiVersion = [1, 46] as const;

/** Fails with DOCKER_UNSAFE when a site's process could gain privileges through a setuid program. */
export async function checkNoNewPrivileges(docker: Docker, image: ImageRef): Promise<void> {
  let apiVersion: string;
  try {
    apiVersion = (await docker.version()).ApiVersion;
  } catch (error) {
    throw dockerFailure("read the engine's version", error);
  }
  if (isAtLeast(apiVersion, specPrivilegesApiVersion)) return;
  if (hasNoNewPrivileges(await statusOfAContainer(docker, image))) return;
  throw new DirectorError(
    "DOCKER_UNSAFE",
    `The Docker daemon (Engine API ${apiVersion}) ignores no-new-privileges in service specs and does not set it ` +
      'by default, so a site\'s process could gain privileges through a setuid program. Add "no-new-privileges": ' +
      "true to /etc/docker/daemon.json and restart dockerd (scripts/setup-host.sh --docker does it); dynamic sites " +
      "are refused until then.",
  );
}

/** Whether a process's /proc/<pid>/status says it runs with no_new_privs. */
export function hasNoNewPrivileges(status: string): boolean {
  return /^NoNewPrivs:\s*1$/m.test(status);
}

/** "1.41" against [1, 46]. */
export function isAtLeast(version: string, [major, minor]: readonly [number, number]): boolean {
  const [actualMajor = 0, actualMinor = 0] = version.split(".").map(Number);
  return actualMajor > major || (actualMajor === major && actualMinor >= minor);
}

/** /proc/self/status of a process in a fresh container of `image`, run the way the daemon runs any by default. */
async function statusOfAContainer(docker: Docker, image: ImageRef): Promise<string> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: image,
      Cmd: ["/bin/cat", "/proc/self/status"],
      User: "65534:65534",
      Labels: { [managedLabel]: "true" },
      HostConfig: { NetworkMode: "none" },
    });
  } catch (error) {
    throw dockerFailure("create a container to check no-new-privileges", error);
  }
  try {
    await container.start();
    await container.wait();
    const output = await container.logs({ stdout: true, stderr: true, follow: false });
    const lines = await readLogLines(docker.modem, Buffer.isBuffer(output) ? output : Buffer.from(String(output)));
    return lines.map((line) => line.text).join("\n");
  } catch (error) {
    throw dockerFailure("run a container to check no-new-privileges", error);
  } finally {
    await container.remove({ force: true }).catch(() => undefined); // best effort: a leftover exited container
  }
}
