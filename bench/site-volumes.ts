/**
 * bench/site-volumes: what holding each site to a disk quota costs, with many sites. The same sites directory code
 * makes `--sites` sites twice, as plain directories (the baseline) and as site volumes (a sparse ext4 image on a loop
 * device per site, at the default 1 GiB quota); then it measures every volume (the worker's minute pass), a sequential
 * write inside a volume against one in a plain directory, and what the volumes take of the machine's disk and memory.
 *
 *   node --import tsx bench/site-volumes.ts [--sites 1000] [--write-mib 256]
 *
 * Needs root, loop devices and e2fsprogs, as site volumes do. Everything is unmounted and deleted at the end.
 */
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import type { SiteId } from "@director/domain/site";
import { FsSiteDirectories, LoopSiteVolumes, siteUserOf } from "@director/orchestrator";

const run = promisify(execFile);
const { values } = parseArgs({
  options: { sites: { type: "string", default: "1000" }, "write-mib": { type: "string", default: "256" } },
});
const siteCount = Number(values.sites);
const writeMib = Number(values["write-mib"]);
const quotaBytes = 1024 * 1024 * 1024;
const uidBase = 1_500_000_000;

async function memoryUsedKib(): Promise<number> {
  const info = await readFile("/proc/meminfo", "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(info)?.[1] ?? 0);
  // Used, the page cache left out: what the kernel holds for the mounts (superblocks, journals, slabs).
  return field("MemTotal") - field("MemFree") - field("Cached") - field("Buffers");
}

async function duKib(dir: string): Promise<number> {
  const { stdout } = await run("du", ["-sk", dir]);
  return Number(stdout.split("\t")[0]);
}

/** Writes `mib` MiB into `dir` with dd as the site's account, synced; MiB/s. */
async function writeSpeed(dir: string, mib: number, uid: number): Promise<number> {
  const started = process.hrtime.bigint();
  await run("setpriv", [
    `--reuid=${uid}`,
    `--regid=${uid}`,
    "--clear-groups",
    "dd",
    "if=/dev/zero",
    `of=${path.join(dir, "private", "speed.bin")}`,
    "bs=1M",
    `count=${mib}`,
    "conv=fsync",
  ]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return mib / seconds;
}

async function main() {
  const reason = await LoopSiteVolumes.check();
  if (reason !== null) throw new Error(`site volumes cannot work here: ${reason}`);
  const root = await mkdtemp(path.join(tmpdir(), "bench-volumes-"));
  await chmod(root, 0o755);
  const plain = new FsSiteDirectories(path.join(root, "plain"), {
    siteUserOf: (id) => siteUserOf(id, uidBase),
    resolveServingGid: async () => 33,
  });
  const volumes = new LoopSiteVolumes({
    volumesDir: path.join(root, "images"),
    sitePath: (id) => path.join(root, "volumes", String(id)),
    defaultQuotaBytes: quotaBytes,
  });
  const withVolumes = new FsSiteDirectories(path.join(root, "volumes"), {
    siteUserOf: (id) => siteUserOf(id, uidBase),
    resolveServingGid: async () => 33,
    volumes,
  });
  try {
    await plain.prepare();
    await withVolumes.prepare();
    await volumes.prepare();
    const ids = Array.from({ length: siteCount }, (_, index) => (index + 1) as SiteId);

    let started = process.hrtime.bigint();
    for (const id of ids) await plain.ensure(id);
    const plainMs = Number(process.hrtime.bigint() - started) / 1e6;

    const memoryBefore = await memoryUsedKib();
    started = process.hrtime.bigint();
    for (const id of ids) await withVolumes.ensure(id);
    const volumesMs = Number(process.hrtime.bigint() - started) / 1e6;
    const memoryAfter = await memoryUsedKib();

    const passes: number[] = [];
    for (let pass = 0; pass < 5; pass += 1) {
      started = process.hrtime.bigint();
      const measured = await volumes.usage();
      passes.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (measured.size !== siteCount) throw new Error(`measured ${measured.size} volumes of ${siteCount}`);
    }
    const measureMs = [...passes].sort((a, b) => a - b)[2] ?? 0;
    const imagesKib = await duKib(path.join(root, "images"));

    // A reboot: every volume unmounted, then mounted again by prepare() (what a starting orchestrator does).
    for (const id of ids) await run("umount", [withVolumes.pathOf(id)]);
    started = process.hrtime.bigint();
    await volumes.prepare();
    const remountMs = Number(process.hrtime.bigint() - started) / 1e6;
    if ((await volumes.usage()).size !== siteCount) throw new Error("prepare() did not mount every volume again");
    started = process.hrtime.bigint();
    await volumes.prepare();
    const preparedMs = Number(process.hrtime.bigint() - started) / 1e6;

    const uid = siteUserOf(1 as SiteId, uidBase).uid;
    const plainSpeed = await writeSpeed(plain.pathOf(1 as SiteId), writeMib, uid);
    const volumeSpeed = await writeSpeed(withVolumes.pathOf(1 as SiteId), writeMib, uid);

    const perSite = (ms: number) => (ms / siteCount).toFixed(2);
    console.log(`sites: ${siteCount}, quota ${quotaBytes / 1024 / 1024} MiB each`);
    console.log(`make the sites:   plain ${plainMs.toFixed(0)} ms (${perSite(plainMs)} ms/site)`);
    console.log(
      `                  volumes ${volumesMs.toFixed(0)} ms (${perSite(volumesMs)} ms/site), ratio ${(volumesMs / plainMs).toFixed(1)}`,
    );
    console.log(`measure them all: ${measureMs.toFixed(0)} ms per pass (median of 5)`);
    console.log(
      `mount them all again (after a reboot): ${remountMs.toFixed(0)} ms (${perSite(remountMs)} ms/site); when mounted: ${preparedMs.toFixed(0)} ms`,
    );
    console.log(
      `disk taken by the empty images: ${(imagesKib / 1024).toFixed(0)} MiB (${(imagesKib / siteCount).toFixed(0)} KiB/site)`,
    );
    console.log(
      `memory held for the mounts: ${((memoryAfter - memoryBefore) / 1024).toFixed(0)} MiB (${((memoryAfter - memoryBefore) / siteCount).toFixed(0)} KiB/site)`,
    );
    console.log(
      `write ${writeMib} MiB (dd, fsync): plain ${plainSpeed.toFixed(0)} MiB/s, volume ${volumeSpeed.toFixed(0)} MiB/s, ratio ${(volumeSpeed / plainSpeed).toFixed(2)}`,
    );
  } finally {
    for (const id of await withVolumes.list()) await withVolumes.remove(id);
    await rm(root, { recursive: true, force: true });
  }
}

await main();
