/**
 * Site volumes on real loop devices and ext4: the kernel stops a site's own process (a real container running as the
 * site's account) at its quota, a quota shrinks and grows while mounted, and nothing outside the volume is touched.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteUserOf } from "../core/site-user.js";
import { removeDockerTestObjects } from "./docker-test-objects.js";
import { ensureBusyboxBaseImage } from "./local-base-images.js";
import { LoopSiteVolumes, minimumSiteQuotaBytes } from "./loop-site-volumes.js";
import { FsSiteDirectories } from "./site-directories.js";

const MiB = 1024 * 1024;
const uidBase = 1_500_000_000;
const docker = new Docker();
const runId = randomBytes(4).toString("hex");
const imageName = `director-test/base-busybox-volumes-${runId}`;
let image: string;
let root: string;
let volumes: LoopSiteVolumes;
let directories: FsSiteDirectories;

beforeAll(async () => {
  expect(await LoopSiteVolumes.check()).toBeNull();
  image = await ensureBusyboxBaseImage(docker, { imageName });
  root = await mkdtemp(path.join(tmpdir(), "director-volumes-"));
  await chmod(root, 0o755);
  const sitesDir = path.join(root, "sites");
  volumes = new LoopSiteVolumes({
    volumesDir: path.join(root, "volumes"),
    sitePath: (id) => path.join(sitesDir, String(id)),
    defaultQuotaBytes: 32 * MiB,
  });
  directories = new FsSiteDirectories(sitesDir, {
    siteUserOf: (id) => siteUserOf(id, uidBase),
    resolveServingGid: async () => 33,
    volumes,
  });
  await directories.prepare();
  await volumes.prepare();
}, 10 * 60_000);

afterAll(async () => {
  for (const id of await directories.list()) await directories.remove(id);
  await rm(root, { recursive: true, force: true });
  await removeDockerTestObjects(docker, { serviceNames: [], imageRefs: [image] });
});

/** Runs `script` in a container as the site's account with the site directory at /site; its output and exit code. */
async function runAsSite(id: SiteId, script: string): Promise<{ output: string; exitCode: number }> {
  const user = siteUserOf(id, uidBase);
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["sh", "-c", script],
    User: `${user.uid}:${user.gid}`,
    Tty: true, // one plain stream, not Docker's framed one
    HostConfig: { Binds: [`${directories.pathOf(id)}:/site`], CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"] },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    return { output: logs.toString("latin1"), exitCode: StatusCode };
  } finally {
    await container.remove({ force: true });
  }
}

describe("LoopSiteVolumes", () => {
  it("makes each site its own filesystem at its quota, owned by the site, with nothing of mkfs left in it", async () => {
    const id = 101 as SiteId;
    await directories.ensure(id, 24 * MiB);
    await directories.ensure(id, 24 * MiB); // idempotent
    expect((await readdir(directories.pathOf(id))).sort()).toEqual([".home", "private", "public"]);
    expect((await stat(directories.pathOf(id))).uid).toBe(siteUserOf(id, uidBase).uid);
    const usage = await volumes.usageOf(id);
    expect(usage?.quotaBytes).toBe(24 * MiB);
    expect(usage?.usedBytes).toBeLessThan(MiB);
    expect((await volumes.usage()).get(id)).toEqual(usage);
  });

  it("stops the site's own process at its quota, leaves the host's files alone, and frees it when files go", async () => {
    const id = 102 as SiteId;
    await directories.ensure(id, minimumSiteQuotaBytes);
    const outside = path.join(root, "outside.txt");
    await writeFile(outside, "not the site's");
    // 40 MiB attempted against 16 MiB: dd stops with "No space left on device".
    const filled = await runAsSite(id, "dd if=/dev/zero of=/site/private/fill bs=1M count=40 2>&1; echo exit=$?");
    expect(filled.output).toMatch(/No space left on device/);
    expect(filled.output).toMatch(/exit=1/);
    const written = (await stat(path.join(directories.pathOf(id), "private", "fill"))).size;
    expect(written).toBeGreaterThan(14 * MiB);
    expect(written).toBeLessThanOrEqual(minimumSiteQuotaBytes);
    const usage = await volumes.usageOf(id);
    expect(usage?.usedBytes).toBeGreaterThanOrEqual(written);
    expect(usage?.quotaBytes).toBe(minimumSiteQuotaBytes);
    // Another site and the host are untouched: a neighbour still writes, the host file is as it was.
    const neighbour = 103 as SiteId;
    await directories.ensure(neighbour, minimumSiteQuotaBytes);
    expect(
      (await runAsSite(neighbour, "dd if=/dev/zero of=/site/private/f bs=1M count=4 2>&1; echo exit=$?")).output,
    ).toMatch(/exit=0/);
    expect(await readFile(outside, "utf8")).toBe("not the site's");
    // Deleting frees the room again.
    expect(
      (
        await runAsSite(
          id,
          "rm /site/private/fill && dd if=/dev/zero of=/site/private/g bs=1M count=4 2>&1; echo exit=$?",
        )
      ).output,
    ).toMatch(/exit=0/);
  });

  it("has no way around the quota from inside: many small files, a hard link out, a sparse file written through", async () => {
    const id = 104 as SiteId;
    await directories.ensure(id, minimumSiteQuotaBytes);
    const inodes = (await volumes.usageOf(id))?.totalInodes ?? 0;
    expect(inodes).toBeGreaterThan(1000);
    expect(inodes).toBeLessThan(10_000); // its own inodes: filling them fills only this site
    const escaped = await runAsSite(
      id,
      [
        "ln /etc/passwd /site/private/passwd 2>&1; echo link=$?",
        "dd if=/dev/zero of=/site/private/sparse bs=1M seek=100 count=0 2>&1 >/dev/null; echo sparse=$?",
        "dd if=/dev/zero of=/site/private/sparse bs=1M count=40 conv=notrunc 2>&1 | grep -m1 -o 'No space left on device'",
        "rm /site/private/sparse",
        // Empty files take no blocks, only inodes: they run out at the volume's own count.
        "i=0; while [ $i -lt 20000 ]; do touch /site/private/n$i 2>/dev/null || break; i=$((i+1)); done; echo files=$i",
      ].join("; "),
    );
    expect(escaped.output).toMatch(/link=1/); // another filesystem: no hard link to anything outside
    expect(escaped.output).toMatch(/No space left on device/);
    const files = Number(/files=(\d+)/.exec(escaped.output)?.[1]);
    expect(files).toBeLessThan(inodes);
    expect(files).toBeGreaterThan(inodes - 20);
    const usage = await volumes.usageOf(id);
    expect(usage?.usedBytes).toBeLessThanOrEqual(minimumSiteQuotaBytes);
  });

  it("shrinks a quota at once and grows it again, while mounted and in use", async () => {
    const id = 105 as SiteId;
    await directories.ensure(id, 64 * MiB);
    expect(
      (await runAsSite(id, "dd if=/dev/zero of=/site/private/a bs=1M count=20 2>&1; echo exit=$?")).output,
    ).toMatch(/exit=0/);
    const shrunk = await volumes.setQuota(id, 24 * MiB);
    expect(shrunk.quotaBytes).toBe(24 * MiB);
    expect(
      (await runAsSite(id, "dd if=/dev/zero of=/site/private/b bs=1M count=10 2>&1; echo exit=$?")).output,
    ).toMatch(/No space left on device/);
    await rm(path.join(directories.pathOf(id), "private", "b"));
    // Up to twice the first quota needs no resize2fs (the image was made that big, sparse).
    const grown = await volumes.setQuota(id, 120 * MiB);
    expect(grown.quotaBytes).toBe(120 * MiB);
    expect(
      (await runAsSite(id, "dd if=/dev/zero of=/site/private/c bs=1M count=90 2>&1; echo exit=$?")).output,
    ).toMatch(/exit=0/);
    expect((await readFile(path.join(directories.pathOf(id), "private", "a"))).length).toBe(20 * MiB);
  });

  it("mounts every volume again after they were unmounted (a reboot), keeping the files", async () => {
    const id = 106 as SiteId;
    await directories.ensure(id, 24 * MiB);
    await writeFile(path.join(directories.pathOf(id), "public", "index.html"), "kept");
    const { execFile } = await import("node:child_process");
    await new Promise<void>((resolve, reject) =>
      execFile("umount", [directories.pathOf(id)], (error) => (error ? reject(error) : resolve())),
    );
    expect(await volumes.usageOf(id)).toBeNull();
    await volumes.prepare();
    await volumes.prepare(); // idempotent
    expect(await readFile(path.join(directories.pathOf(id), "public", "index.html"), "utf8")).toBe("kept");
    expect((await volumes.usageOf(id))?.quotaBytes).toBe(24 * MiB);
  });

  it("mounts the loop device a running process still holds, never a second one on the same image", async () => {
    const id = 108 as SiteId;
    await directories.ensure(id, 24 * MiB);
    const { execFile } = await import("node:child_process");
    const exec = (file: string, args: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile(file, args, (error, stdout) => (error ? reject(error) : resolve(stdout))),
      );
    const user = siteUserOf(id, uidBase);
    const holder = await docker.createContainer({
      Image: image,
      Cmd: ["sh", "-c", "sleep 600"],
      User: `${user.uid}:${user.gid}`,
      HostConfig: { Binds: [`${directories.pathOf(id)}:/site`] },
    });
    try {
      await holder.start();
      await exec("umount", ["--lazy", directories.pathOf(id)]); // what a stopping orchestrator's bind mount does
      await volumes.prepare();
      const images = path.join(root, "volumes", `${id}.ext4`);
      const devices = (await exec("losetup", ["--list", "--noheadings", "--output", "NAME", "--associated", images]))
        .trim()
        .split("\n");
      expect(devices).toHaveLength(1);
      await writeFile(path.join(directories.pathOf(id), "public", "seen.txt"), "one filesystem");
      const seen = await holder.exec({ Cmd: ["cat", "/site/public/seen.txt"], AttachStdout: true, Tty: true });
      const stream = await seen.start({ Tty: true });
      const output = await new Promise<string>((resolve) => {
        let text = "";
        stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
        stream.on("end", () => resolve(text));
      });
      expect(output).toContain("one filesystem");
    } finally {
      await holder.remove({ force: true });
    }
  });

  it("removes a site's volume whole, and refuses a quota below the smallest", async () => {
    const id = 107 as SiteId;
    await directories.ensure(id, 24 * MiB);
    await expect(volumes.setQuota(id, MiB)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await directories.remove(id);
    expect(await directories.has(id)).toBe(false);
    expect(await volumes.usageOf(id)).toBeNull();
    expect(await readdir(path.join(root, "volumes"))).not.toContain(`${id}.ext4`);
  });
});
