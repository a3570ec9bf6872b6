import { randomBytes, randomInt } from "node:crypto";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceStatus, SiteServiceSpec } from "../core/service-runtime.js";
import { DockerSwarmRuntime } from "./docker-swarm-runtime.js";
import { removeDockerTestObjects, testSiteUser, waitFor } from "./docker-test-objects.js";
import { ensureBusyboxBaseImage } from "./local-base-images.js";
import { ensureSiteNetwork } from "./swarm-network.js";
import { nanosecondsPerSecond, serviceNameOf, stopLine } from "./swarm-service-spec.js";

const docker = new Docker();
const runId = randomBytes(4).toString("hex");
const networkName = `director-test-${runId}`;
const imageName = `director-test/base-busybox-${runId}`;
const mebibyte = 1024 * 1024;
const port = 8080;
/** This run's own installation: its services are the only ones the runtime sees. */
const installationId = `t${runId}` as InstallationId;
const runtime = new DockerSwarmRuntime(docker, { installationId, port });
const usedSiteIds: SiteId[] = [];
/** Services of another (test) installation, removed with the others */
const usedServiceNames: string[] = [];
let image: ImageRef;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "director-swarm-"));
  image = await ensureBusyboxBaseImage(docker, { imageName });
  const networkId = await ensureSiteNetwork(docker, networkName);
  expect(await ensureSiteNetwork(docker, networkName)).toBe(networkId);
});

afterAll(async () => {
  try {
    await removeDockerTestObjects(docker, {
      serviceNames: [...usedSiteIds.map((id) => serviceNameOf(installationId, id)), ...usedServiceNames],
      networkName,
      imageRefs: image === undefined ? [] : [image],
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

/** A new site id (high and random: no clash with a real site or a parallel run) and its directory, owned by `site`. */
async function newSite(files: Record<string, string>): Promise<{ siteId: SiteId; dir: string }> {
  const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
  usedSiteIds.push(siteId);
  const dir = path.join(root, String(siteId));
  await mkdir(path.join(dir, "public"), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content, { mode: name.endsWith(".sh") ? 0o755 : 0o644 });
  }
  for (const entry of [dir, path.join(dir, "public"), ...Object.keys(files).map((name) => path.join(dir, name))]) {
    await chown(entry, testSiteUser(siteId).uid, testSiteUser(siteId).gid);
  }
  await chmod(dir, 0o755);
  return { siteId, dir };
}

function specOf(siteId: SiteId, dir: string, overrides: Partial<SiteServiceSpec> = {}): SiteServiceSpec {
  return {
    siteId,
    siteDirectory: dir,
    user: testSiteUser(siteId),
    image,
    isEnabled: true,
    limits: { cpus: 0.5, memoryBytes: 64 * mebibyte, pidsLimit: 64 },
    env: { GREETING: "hello" },
    networkName,
    ...overrides,
  };
}

const isRunningWithAddress = (status: ServiceStatus) =>
  status.state === "running" && status.tasks[0]?.address !== null && status.tasks[0]?.address !== undefined;

const sleepForever = "#!/bin/sh\nexec sleep 2147483647\n";

describe.concurrent("DockerSwarmRuntime", () => {
  it("keeps installations apart: the same site id in another installation is another service, unseen", async () => {
    const otherInstallation = `u${runId}` as InstallationId;
    const other = new DockerSwarmRuntime(docker, { installationId: otherInstallation, port });
    const { siteId, dir } = await newSite({ "run.sh": sleepForever });
    usedServiceNames.push(serviceNameOf(otherInstallation, siteId));
    await runtime.upsert(specOf(siteId, dir, { isEnabled: false }));
    expect(await runtime.listServices(siteId)).toEqual([
      {
        siteId,
        name: `director-${installationId}-site-${siteId}`,
        replicas: 0,
        image,
        user: `${testSiteUser(siteId).uid}:${testSiteUser(siteId).gid}`,
        labels: {
          "org.director.site-id": String(siteId),
          "org.director.installation": installationId,
          "org.director.managed": "true",
        },
      },
    ]);
    expect(await other.listServices(siteId)).toEqual([]);
    expect((await other.status(siteId)).state).toBe("absent");
    await other.remove(siteId); // another installation's remove never touches this one's service
    expect((await runtime.status(siteId)).state).toBe("stopped");
    await other.upsert(specOf(siteId, dir, { isEnabled: false }));
    expect((await other.listServices()).map((service) => service.name)).toEqual([
      serviceNameOf(otherInstallation, siteId),
    ]);
    expect((await runtime.listServices(siteId)).map((service) => service.name)).toEqual([
      serviceNameOf(installationId, siteId),
    ]);
  });

  it("runs run.sh as the site user on a read-only root, and its HTTP server answers at the task's address", async () => {
    const runScript = [
      "#!/bin/sh",
      'echo "$(id -u):$(id -g)" > /site/uid.txt',
      "if echo x > /etc/probe 2>/dev/null; then echo writable > /site/etc.txt; else echo read-only > /site/etc.txt; fi",
      "if echo x > /tmp/probe; then echo writable > /site/tmp.txt; else echo read-only > /site/tmp.txt; fi",
      "grep CapEff /proc/self/status > /site/caps.txt",
      "grep NoNewPrivs /proc/self/status > /site/nnp.txt",
      "cat /sys/fs/cgroup/pids/pids.max > /site/pids.txt",
      'echo "$GREETING $HOME $HOST" > /site/env.txt',
      'exec httpd -f -p "$PORT" -h /site/public',
    ].join("\n");
    const { siteId, dir } = await newSite({ "run.sh": runScript, "public/index.html": "hello from the site\n" });
    await runtime.upsert(specOf(siteId, dir));
    const status = await waitFor(() => runtime.status(siteId), isRunningWithAddress);
    expect(status.message).toBe("starting /site/run.sh");
    const address = status.tasks[0]?.address;
    const body = await waitFor(
      () =>
        fetch(`http://${address}:${port}/index.html`, { signal: AbortSignal.timeout(2_000) })
          .then((response) => response.text())
          .catch(() => ""),
      (text) => text !== "",
    );
    expect(body).toBe("hello from the site\n");
    const read = (name: string) => readFile(path.join(dir, name), "utf8").then((text) => text.trim());
    // The site's own account, never the image's default user (1000, the host's first login account on Debian).
    expect(await read("uid.txt")).toBe(`${testSiteUser(siteId).uid}:${testSiteUser(siteId).gid}`);
    expect(await read("etc.txt")).toBe("read-only");
    expect(await read("tmp.txt")).toBe("writable");
    expect(await read("caps.txt")).toMatch(/^CapEff:\s+0+$/);
    // Docker 20.10 ignores the service's NoNewPrivileges; the daemon default (scripts/setup-host.sh) sets it.
    expect(await read("nnp.txt")).toMatch(/^NoNewPrivs:\s+1$/);
    expect(await read("pids.txt")).toBe("64");
    expect(await read("env.txt")).toBe("hello /site/.home 0.0.0.0");

    // The same spec again is a no-op: the task keeps running.
    const taskId = status.tasks[0]?.id;
    await runtime.upsert(specOf(siteId, dir));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await runtime.status(siteId);
    expect(after.tasks[0]?.id).toBe(taskId);
    expect(after.state).toBe("running");
  });

  it("keeps a site's container from reaching another site's container and services bound to loopback (rule 5)", async () => {
    // The host side: a service on 127.0.0.1, as Director's internal APIs and databases are bound.
    const loopbackServer = createServer((socket) => socket.end("platform secret\n"));
    await new Promise<void>((resolve) => loopbackServer.listen(0, "127.0.0.1", resolve));
    const loopbackPort = (loopbackServer.address() as AddressInfo).port;
    try {
      const target = await newSite({
        "run.sh": 'exec httpd -f -p "$PORT" -h /site/public\n',
        "public/index.html": "site a\n",
      });
      await runtime.upsert(specOf(target.siteId, target.dir));
      const targetAddress = (await waitFor(() => runtime.status(target.siteId), isRunningWithAddress)).tasks[0]
        ?.address;
      // the host (the balancer) does reach it
      expect(await fetch(`http://${targetAddress}:${port}/index.html`).then((response) => response.text())).toBe(
        "site a\n",
      );

      const probe = [
        "#!/bin/sh",
        "gateway=$(ip route | awk '/default/ {print $3}')",
        `if printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${targetAddress} ${port} | grep -q 'site a'; then echo reached > /site/other-site.txt; else echo blocked > /site/other-site.txt; fi`,
        `if nc -w 3 "$gateway" ${loopbackPort} < /dev/null | grep -q secret; then echo reached > /site/loopback.txt; else echo blocked > /site/loopback.txt; fi`,
        "if [ -e /var/run/docker.sock ]; then echo present > /site/socket.txt; else echo absent > /site/socket.txt; fi",
        "exec sleep 2147483647",
      ].join("\n");
      const prober = await newSite({ "run.sh": probe });
      await runtime.upsert(specOf(prober.siteId, prober.dir));
      const read = (name: string) =>
        waitFor(
          () =>
            readFile(path.join(prober.dir, name), "utf8")
              .then((text) => text.trim())
              .catch(() => ""),
          (text) => text !== "",
        );
      expect(await read("other-site.txt")).toBe("blocked");
      expect(await read("loopback.txt")).toBe("blocked");
      expect(await read("socket.txt")).toBe("absent");
    } finally {
      loopbackServer.close();
    }
  });

  it("scales to 0 when not enabled and back to 1, and restart starts a new task", async () => {
    const { siteId, dir } = await newSite({ "run.sh": sleepForever });
    await runtime.upsert(specOf(siteId, dir));
    const first = await waitFor(() => runtime.status(siteId), isRunningWithAddress);
    await runtime.upsert(specOf(siteId, dir, { isEnabled: false }));
    const stopped = await runtime.status(siteId);
    expect(stopped).toMatchObject({ state: "stopped", replicas: 0 });
    // Swarm stops the task a moment later (~2 s on a network); scaling back up before that may keep it running.
    await waitFor(
      () => runtime.status(siteId),
      (status) => status.tasks.every((task) => task.state !== "running"),
    );
    await runtime.upsert(specOf(siteId, dir));
    const second = await waitFor(() => runtime.status(siteId), isRunningWithAddress);
    expect(second.replicas).toBe(1);
    expect(second.tasks[0]?.id).not.toBe(first.tasks[0]?.id);
    await runtime.restart(siteId);
    const third = await waitFor(
      () => runtime.status(siteId),
      (status) => isRunningWithAddress(status) && status.tasks[0]?.id !== second.tasks[0]?.id,
    );
    expect(third.state).toBe("running");
  });

  it("reports a run.sh killed by its memory limit in plain words, and waits before restarting it", async () => {
    const runScript = "#!/bin/sh\necho allocating\nhead -c 64m /dev/zero | tail\n";
    const { siteId, dir } = await newSite({ "run.sh": runScript });
    await runtime.upsert(specOf(siteId, dir, { limits: { cpus: 0.5, memoryBytes: 16 * mebibyte, pidsLimit: 64 } }));
    const status = await waitFor(
      () => runtime.status(siteId),
      (value) => value.state === "failed",
    );
    // With Docker's OOMKilled flag the message is certain; when the killed container is already gone (a race
    // with Swarm's cleanup) it falls back to exit code 137. Both name the memory limit in plain words.
    expect(status.message).toMatch(
      /^The process (used more memory than its limit \(16 MiB\) and was stopped|was killed \(exit code 137\), most likely because it used more memory than its limit \(16 MiB\))/,
    );
    expect(status.tasks.some((task) => task.exitCode === 137)).toBe(true);
    // The start script reads the limit from the container's cgroup, so the log names it too (the log reaches
    // `docker service logs` a moment after the task's state: wait for it).
    const killedLine =
      "DIRECTOR: run.sh was killed (SIGKILL), most likely for using more memory than its limit (16 MiB)";
    const lines = await waitFor(
      async () => (await runtime.readLogLines(siteId, { tailLines: 10 })).map((line) => line.text),
      (texts) => texts.includes(killedLine),
    );
    expect(lines).toContain(killedLine);
    const service = await docker.getService(serviceNameOf(installationId, siteId)).inspect();
    expect(service.Spec.TaskTemplate.RestartPolicy.Delay).toBe(5 * nanosecondsPerSecond);
  });

  it("keeps a site without run.sh running and says so in its status and log", async () => {
    const { siteId, dir } = await newSite({});
    await runtime.upsert(specOf(siteId, dir));
    const status = await waitFor(
      () => runtime.status(siteId),
      (value) => value.state === "running" && value.message.startsWith("no run.sh found"),
    );
    expect(status.message).toContain("/site/run.sh");
    const lines = await runtime.readLogLines(siteId, { tailLines: 10 });
    expect(lines.map((line) => line.text)).toContainEqual(expect.stringMatching(/^DIRECTOR: no run.sh found/));
  });

  it("follows the log live across a restart: the stop line, run.sh's exit, the new task's start", async () => {
    const runScript = '#!/bin/sh\necho "hello from $$"\ntrap "echo bye; exit 3" TERM\nwhile true; do sleep 1; done\n';
    const { siteId, dir } = await newSite({ "run.sh": runScript });
    await runtime.upsert(specOf(siteId, dir));
    await waitFor(() => runtime.status(siteId), isRunningWithAddress);
    await expect(
      runtime.followLogLines(-1 as SiteId, { tailLines: 1, signal: AbortSignal.timeout(5_000) }),
    ).rejects.toThrow(expect.objectContaining({ code: "SITE_NOT_READY" }));
    const stop = new AbortController();
    const lines = await runtime.followLogLines(siteId, { tailLines: 10, signal: stop.signal });
    // tailLines 0 (only what comes next) is a separate path: Docker needs `since` there.
    const onlyNew = new AbortController();
    const newLines = await runtime.followLogLines(siteId, { tailLines: 0, signal: onlyNew.signal });
    const seenNew: string[] = [];
    const collectingNew = (async () => {
      for await (const line of newLines) {
        seenNew.push(line.text);
        if (seenNew.some((text) => text.startsWith("hello from"))) onlyNew.abort();
      }
    })();
    const seen: string[] = [];
    const restartOnce = (() => {
      let isDone = false;
      return () => {
        if (isDone) return;
        isDone = true;
        void runtime.restart(siteId);
      };
    })();
    const guard = setTimeout(() => stop.abort(), 45_000);
    for await (const line of lines) {
      seen.push(line.text);
      if (seen.filter((text) => text.startsWith("hello from")).length === 1) restartOnce();
      if (seen.filter((text) => text.startsWith("hello from")).length === 2) stop.abort();
    }
    clearTimeout(guard);
    // The second stream may be a moment behind the first; it stops itself at the new task's first line.
    const onlyNewGuard = setTimeout(() => onlyNew.abort(), 20_000);
    await collectingNew;
    clearTimeout(onlyNewGuard);
    expect(seenNew[0]).toBe(stopLine);
    expect(seenNew).toContainEqual(expect.stringMatching(/^hello from \d+$/));
    // The first task's lines, its stop as the script saw it, then the second task's start: one stream, in order.
    const relevant = seen
      .filter((text) => /^(hello from|bye|DIRECTOR: )/.test(text))
      .map((text) => text.replace(/^hello from \d+$/, "hello from N"));
    expect(relevant).toEqual([
      "DIRECTOR: starting /site/run.sh",
      "hello from N",
      stopLine,
      "bye",
      "DIRECTOR: run.sh exited with code 3",
      "DIRECTOR: starting /site/run.sh",
      "hello from N",
    ]);
  });

  it("removes a service, then reports it absent; removing again and restarting are handled", async () => {
    const { siteId, dir } = await newSite({ "run.sh": sleepForever });
    await runtime.upsert(specOf(siteId, dir, { isEnabled: false }));
    expect((await runtime.status(siteId)).state).toBe("stopped");
    await runtime.remove(siteId);
    expect(await runtime.status(siteId)).toEqual({
      state: "absent",
      replicas: 0,
      message: "The site has no service.",
      tasks: [],
    });
    await runtime.remove(siteId);
    await expect(runtime.restart(siteId)).rejects.toThrow(expect.objectContaining({ code: "SITE_NOT_READY" }));
  });

  it("tells when a removed service's process has ended: a run.sh that ignores SIGTERM runs on until killed", async () => {
    const ignoresTerm = "#!/bin/sh\ntrap '' TERM\nwhile true; do sleep 1; done\n";
    const { siteId, dir } = await newSite({ "run.sh": ignoresTerm });
    const quickStop = new DockerSwarmRuntime(docker, { installationId, port, stopGracePeriodSeconds: 3 });
    await quickStop.upsert(specOf(siteId, dir));
    await waitFor(
      () => quickStop.status(siteId),
      (status) => status.state === "running",
    );
    expect(await quickStop.hasRunningProcess(siteId)).toBe(true);
    await quickStop.remove(siteId);
    // The service is gone at once; its process is not (Docker kills it after the grace period).
    expect((await quickStop.status(siteId)).state).toBe("absent");
    expect(await quickStop.hasRunningProcess(siteId)).toBe(true);
    await waitFor(
      () => quickStop.hasRunningProcess(siteId),
      (isRunning) => !isRunning,
      20_000,
    );
  });

  it("changes the account an existing service runs as (a site made before per-site accounts)", async () => {
    const { siteId, dir } = await newSite({
      "run.sh": "#!/bin/sh\nid -u > /site/private-uid.txt\nexec sleep 2147483647\n",
    });
    await runtime.upsert(specOf(siteId, dir, { user: { uid: 1000, gid: 1000 } }));
    expect((await runtime.listServices(siteId))[0]?.user).toBe("1000:1000");
    await runtime.setProcessUser(siteId, testSiteUser(siteId));
    await runtime.setProcessUser(siteId, testSiteUser(siteId)); // a no-op the second time
    expect((await runtime.listServices(siteId))[0]?.user).toBe(
      `${testSiteUser(siteId).uid}:${testSiteUser(siteId).gid}`,
    );
    const uid = await waitFor(
      () => readFile(path.join(dir, "private-uid.txt"), "utf8").catch(() => ""),
      (text) => text.trim() === String(testSiteUser(siteId).uid),
    );
    expect(uid.trim()).toBe(String(testSiteUser(siteId).uid));
    await runtime.setProcessUser((siteId + 1) as SiteId, testSiteUser(siteId)); // no service: nothing happens
  });

  it("refuses a bad env name before anything reaches Docker", async () => {
    const { siteId, dir } = await newSite({});
    await expect(runtime.upsert(specOf(siteId, dir, { env: { "bad-name": "x" } }))).rejects.toThrow(
      expect.objectContaining({ code: "SITE_ENV_INVALID" }),
    );
    expect((await runtime.status(siteId)).state).toBe("absent");
  });
});
