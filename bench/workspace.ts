/**
 * bench/workspace: the workspace's file operations through `director up` (issue 12), each beside a baseline in the
 * same run:
 * - listing a folder of 10,000 files: its first page (what the file tree opens with) and every page, p50/p99 of
 *   `GET /api/sites/:name/files/<folder>`; baseline: `readdir` + `lstat` of the same folder in this process;
 * - saving a 1 MiB file: p50/p99 of `PUT /api/sites/:name/files/<path>`; baseline: `GET /api/auth/me`
 *   (the cost every request pays);
 * - a 100 MiB site as a zip: MiB/s of `GET /api/sites/:name/zip` and the peak RSS of `director up` while it streams;
 *   baseline: reading the same files from disk in this process (the disk's speed, warm cache for both);
 * - terminals: `--terminals` web terminals over `--terminal-sites` sites, opened at once (time to ready), held
 *   `--hold-s` with each typing a line every `--interval-ms` and waiting for its echo (the round trip), then closed
 *   (their containers must go 60 s after their last shell); errors counted; baselines: `docker exec` shells started
 *   by the bench in the same containers at the same time (the terminal without the manager's and orchestrator's
 *   relays), and as many containers like theirs started by the bench at once (bench/support/workspace-terminals.ts).
 *
 *   node --import tsx bench/workspace.ts [--sections files,terminals] [--files 10000] [--zip-mib 100] [--samples 50]
 *     [--terminals 100] [--terminal-sites 25] [--hold-s 30] [--interval-ms 500] [--director-log FILE]
 *
 * The files are made through the API as a member would (16 at a time). The terminals are all one administrator's,
 * with DIRECTOR_TERMINALS_PER_ACCOUNT raised to `--terminals`. Prints a JSON report.
 */
import { randomBytes } from "node:crypto";
import { lstat, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";
import { measureTerminals } from "./support/workspace-terminals.js";

const { values } = parseArgs({
  options: {
    sections: { type: "string", default: "files,terminals" },
    files: { type: "string", default: "10000" },
    "zip-mib": { type: "string", default: "100" },
    samples: { type: "string", default: "50" },
    terminals: { type: "string", default: "100" },
    "terminal-sites": { type: "string", default: "25" },
    "hold-s": { type: "string", default: "30" },
    "interval-ms": { type: "string", default: "500" },
    "director-log": { type: "string" },
  },
});
const sections = new Set(values.sections.split(","));
const fileCount = Number(values.files);
const zipMib = Number(values["zip-mib"]);
const samples = Number(values.samples);
const terminalCount = Number(values.terminals);
const password = "benchmark password 1";
const say = (line: string) => process.stderr.write(`[workspace] ${line}\n`);

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function timedMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function sampled(run: () => Promise<unknown>) {
  const times: number[] = [];
  for (let index = 0; index < samples; index++) times.push(await timedMs(run));
  return percentiles(times);
}

async function ok(answer: Promise<{ status: number; text: string }>, what: string) {
  const { status, text } = await answer;
  if (status >= 300) throw new Error(`${what}: ${status} ${text.slice(0, 300)}`);
}

/** In `count` requests, 16 at a time. */
async function inParallel(count: number, one: (index: number) => Promise<void>) {
  for (let start = 0; start < count; start += 16) {
    await Promise.all(Array.from({ length: Math.min(16, count - start) }, (_, offset) => one(start + offset)));
  }
}

/** The highest resident set size of `pid` seen while `run` runs (sampled every 20 ms), in MiB. */
async function peakRssMib<T>(
  pid: number,
  run: () => Promise<T>,
): Promise<{ result: T; peakMib: number; beforeMib: number }> {
  const rssMib = async () => {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
  };
  const beforeMib = await rssMib();
  let peakMib = beforeMib;
  const timer = setInterval(() => {
    rssMib().then(
      (mib) => {
        peakMib = Math.max(peakMib, mib);
      },
      () => {},
    );
  }, 20);
  try {
    const result = await run();
    return { result, peakMib: Math.round(peakMib), beforeMib: Math.round(beforeMib) };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const director = await DirectorProcess.create({
    DIRECTOR_LOG_LEVEL: "warn",
    // One account holds every terminal of the load; the limit in all stays the default unless the load is above it.
    DIRECTOR_TERMINALS_PER_ACCOUNT: String(Math.max(10, terminalCount)),
    DIRECTOR_TERMINALS_TOTAL: String(Math.max(300, terminalCount)),
  });
  await director.start();
  try {
    await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
    const admin = await ApiSession.login(director.managerUrl, "bench", password);
    const report = {
      date: new Date().toISOString(),
      ...(sections.has("files") ? await measureFiles(director, admin) : {}),
      ...(sections.has("terminals")
        ? {
            terminals: await measureTerminals(director, admin, {
              sessions: terminalCount,
              sites: Number(values["terminal-sites"]),
              holdS: Number(values["hold-s"]),
              intervalMs: Number(values["interval-ms"]),
              say,
            }),
          }
        : {}),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await director.stop();
    if (values["director-log"] !== undefined) await writeFile(values["director-log"], director.output);
    await director.removeDockerObjects();
    await rm(director.dataDir, { recursive: true, force: true });
  }
}

/** Listing, saving and zipping, on one site of `fileCount` files. */
async function measureFiles(director: DirectorProcess, admin: ApiSession) {
  await ok(admin.request("POST", "/api/sites?wait=true", { json: { name: "work" } }), "create");
  const siteId = (await admin.request("GET", "/api/sites/work")).json().id as number;

  say(`writing ${fileCount} files in big/`);
  await inParallel(fileCount, (index) =>
    ok(
      admin.request("PUT", `/api/sites/work/files/big/file-${String(index).padStart(5, "0")}.txt`, { body: "x" }),
      "write",
    ),
  );
  const firstPage = await sampled(() => ok(admin.request("GET", "/api/sites/work/files/big"), "list"));
  const allPages = await sampled(async () => {
    let after: string | null = null;
    do {
      const query: string = after === null ? "limit=1000" : `limit=1000&after=${encodeURIComponent(after)}`;
      const answer = await admin.request("GET", `/api/sites/work/files/big?${query}`);
      after = answer.json().nextAfter;
    } while (after !== null);
  });
  const siteDir = path.join(director.dataDir, "sites", String(siteId));
  const readdirBaseline = await sampled(async () => {
    const names = await readdir(path.join(siteDir, "big"));
    for (const name of names) await lstat(path.join(siteDir, "big", name));
  });

  say("saving 1 MiB files");
  const mebibyte = randomBytes(1024 * 1024);
  const save = await sampled(() =>
    ok(admin.request("PUT", "/api/sites/work/files/public/data.bin", { body: mebibyte }), "save"),
  );
  const baseline = await sampled(() => ok(admin.request("GET", "/api/auth/me"), "me"));

  say(`writing ${zipMib} files of 1 MiB in zip/`);
  await rm(path.join(siteDir, "big"), { recursive: true, force: true });
  await inParallel(zipMib, (index) =>
    ok(
      admin.request("PUT", `/api/sites/work/files/zip/part-${index}.bin`, { body: randomBytes(1024 * 1024) }),
      "write",
    ),
  );
  const diskMs = await timedMs(async () => {
    for (const name of await readdir(path.join(siteDir, "zip"))) await readFile(path.join(siteDir, "zip", name));
  });
  const zip = await peakRssMib(director.pid ?? 0, async () => {
    const started = performance.now();
    const bytes = await downloadedBytes(`${director.managerUrl}/api/sites/work/zip/zip`, admin.token);
    return { ms: performance.now() - started, bytes };
  });
  const mibPerSecond = (mib: number, ms: number) => Number((mib / (ms / 1000)).toFixed(1));
  return {
    listing: { files: fileCount, firstPage, allPagesOf1000: allPages, baselineReaddirLstat: readdirBaseline },
    save1MiB: { save, baselineAuthMe: baseline },
    zip: {
      mib: zipMib,
      zipMibPerSecond: mibPerSecond(zip.result.bytes / 1024 / 1024, zip.result.ms),
      baselineDiskReadMibPerSecond: mibPerSecond(zipMib, diskMs),
      directorRssBeforeMib: zip.beforeMib,
      directorRssPeakMib: zip.peakMib,
    },
  };
}

/** Downloads `url` counting its bytes as they come, keeping none (as a browser saving to disk would). */
function downloadedBytes(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`zip: ${response.statusCode}`));
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on("end", () => resolve(bytes));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

await main();
