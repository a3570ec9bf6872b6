/**
 * What running site containers use, from the real Docker engine: a container that burns CPU shows it, and one that
 * holds memory shows that; another installation's containers are never sampled. Crashes and kills for memory are
 * told from stops that were asked for.
 */
import { randomBytes } from "node:crypto";
import type { InstallationId } from "@director/domain/installation-id";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerSiteResources, resourceSampleOf } from "./docker-site-resources.js";
import { removeDockerTestObjects } from "./docker-test-objects.js";
import { ensureBusyboxBaseImage } from "./local-base-images.js";
import { installationLabel, siteIdLabel } from "./swarm-service-spec.js";

const docker = new Docker();
const runId = randomBytes(4).toString("hex");
const installationId = `t${runId}` as InstallationId;
const imageName = `director-test/base-busybox-${runId}`;
let image: string;
const containers: Docker.Container[] = [];

async function run(
  siteId: number,
  script: string,
  installation: string = installationId,
  memoryBytes = 256 * 1024 * 1024,
): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["sh", "-c", script],
    Labels: { [siteIdLabel]: String(siteId), [installationLabel]: installation },
    HostConfig: { Memory: memoryBytes, MemorySwap: memoryBytes, AutoRemove: false },
  });
  containers.push(container);
  await container.start();
  return container;
}

beforeAll(async () => {
  image = await ensureBusyboxBaseImage(docker, { imageName });
}, 10 * 60_000);

afterAll(async () => {
  for (const container of containers) await container.remove({ force: true }).catch(() => undefined);
  await removeDockerTestObjects(docker, { serviceNames: [], imageRefs: [image] });
});

describe("DockerSiteResources", () => {
  it("samples each running site container: CPU time that grows while it burns, memory it holds, its limit", async () => {
    await run(41, "while :; do :; done");
    // 64 MiB held in a shell variable's worth of memory: dd into a tmpfs file counts as the container's memory.
    await run(
      42,
      "mkdir -p /m && mount -t tmpfs none /m 2>/dev/null; head -c 67108864 /dev/zero > /dev/shm/hold; sleep 600",
    );
    await run(43, "while :; do :; done", "someone-else");
    const resources = new DockerSiteResources(docker, installationId);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const first = await resources.sample();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const second = await resources.sample();
    expect(second.map((sample) => sample.siteId)).toEqual([41, 42]);
    const burned = (second[0]?.cpuUsageNs ?? 0) - (first[0]?.cpuUsageNs ?? 0);
    // Two seconds of a busy loop: a good part of a core-second even on a machine busy with other work.
    expect(burned).toBeGreaterThan(300_000_000);
    const idle = (second[1]?.cpuUsageNs ?? 0) - (first[1]?.cpuUsageNs ?? 0);
    expect(idle).toBeLessThan(50_000_000);
    expect(second[1]?.memoryBytes).toBeGreaterThan(45 * 1024 * 1024);
    expect(second[0]?.memoryBytes).toBeLessThan(20 * 1024 * 1024);
    expect(second[0]?.memoryLimitBytes).toBe(256 * 1024 * 1024);
    expect(second[0]?.containerId).toBe(first[0]?.containerId);
  });

  it("tells crashes and kills for memory from stops that were asked for, for this installation's sites only", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const crashed = await run(51, "echo failing; exit 3");
    const oomKilled = await run(52, "dd if=/dev/zero of=/dev/null bs=64M count=1", installationId, 16 * 1024 * 1024);
    const stopped = await run(53, "trap 'exit 143' TERM; while :; do sleep 1; done");
    const finished = await run(54, "exit 0");
    const elsewhere = await run(55, "exit 3", "someone-else");
    for (const container of [crashed, oomKilled, finished, elsewhere]) await container.wait();
    await stopped.stop({ t: 1 });
    const until = Math.floor(Date.now() / 1000) + 1;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the window must be over before it is asked for
    const events = await new DockerSiteResources(docker, installationId).processEvents(since, until);
    expect(events.map((event) => [event.siteId, event.kind, event.exitCode])).toEqual(
      expect.arrayContaining([
        [51, "crash", 3],
        [52, "oom", 137],
      ]),
    );
    expect(events).toHaveLength(2);
    expect(events.find((event) => event.siteId === 51)?.containerId).toBe(crashed.id);
    expect(Date.parse(events[0]?.at ?? "")).toBeGreaterThanOrEqual(since * 1000);
  });

  it("reads the engine's answer for cgroup v1 and v2 alike, leaving out the page cache it could drop", () => {
    const v1 = {
      cpu_stats: { cpu_usage: { total_usage: 5 } },
      memory_stats: { usage: 100, limit: 1000, stats: { total_inactive_file: 30 } },
    };
    const v2 = {
      cpu_stats: { cpu_usage: { total_usage: 5 } },
      memory_stats: { usage: 100, limit: 1000, stats: { inactive_file: 40 } },
    };
    expect(resourceSampleOf(1, "abcdef123456", v1)?.memoryBytes).toBe(70);
    expect(resourceSampleOf(1, "abcdef123456", v2)?.memoryBytes).toBe(60);
    expect(resourceSampleOf(1, "abcdef123456", { cpu_stats: {}, memory_stats: {} })).toBeNull();
  });
});
