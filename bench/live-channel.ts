/**
 * bench/live-channel: how the manager's live channel (`GET /ws`) holds up when many pages watch many sites, on
 * `director up`.
 *
 * Pages: WebSocket clients (ws, bearer tokens, 20 per account as the manager allows) that each watch the same
 * `--sites` sites, as a site list page does. The sites are inserted into the installation's database directly (the
 * hub reads them like any other); three of them are real (created through the API), and the clock measures those:
 * an administrator changes one's availability (an ordinary operation the worker runs), and each page notes when the
 * operation's end reaches it. Measured with one page watching (the baseline) and with `--pages` watching, in the
 * same run, so the ratio is the cost of the fan-out itself.
 *
 *   node --import tsx bench/live-channel.ts [--pages 1000] [--sites 50] [--rounds 5]
 *
 * Prints a JSON report: the median over the changes of the time from the change request to its end reaching the
 * first, the median and the last page; and `director up`'s resident memory and CPU use (over 30 s in which nothing
 * changes) with all the pages connected.
 */
import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import type { LiveServerMessage } from "@director/contracts/manager-live";
import { createDatabase } from "@director/db/database";
import { SitesRepository } from "@director/db/sites.repository";
import { UsersRepository } from "@director/db/users.repository";
import { guidelinesVersionOf } from "@director/domain/guidelines-version";
import { parseSiteName } from "@director/domain/site-name";
import { parseUsername } from "@director/domain/username";
import { defaultGuidelinesText } from "@director/manager";
import { hash } from "@node-rs/argon2";
import WebSocket from "ws";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "1000" },
    sites: { type: "string", default: "50" },
    rounds: { type: "string", default: "5" },
  },
});
const pageCount = Number(values.pages);
const siteCount = Number(values.sites);
const rounds = Number(values.rounds);
const pagesPerAccount = 20; // the manager's limit per account
const password = "benchmark password 1";
const realSites = ["live-a", "live-b", "live-c"];

/** One watching page: its socket, and the time each operation's end reached it. */
interface Page {
  socket: WebSocket;
  endedAt: Map<number, number>;
}

async function seed(databaseUrl: string, accounts: number): Promise<void> {
  const db = createDatabase(databaseUrl);
  try {
    const users = new UsersRepository(db);
    const sites = new SitesRepository(db);
    const passwordHash = await hash(password);
    const version = guidelinesVersionOf(defaultGuidelinesText);
    for (let index = 0; index < accounts; index++) {
      await users.create({
        username: parseUsername(`watcher${index}`),
        displayName: `Watcher ${index}`,
        email: "",
        passwordHash,
        isSuperuser: true,
        guidelinesAccepted: { at: new Date(), version },
      });
    }
    for (let index = realSites.length; index < siteCount; index++) {
      const site = await sites.create({
        name: parseSiteName(`live-site-${String(index).padStart(4, "0")}`),
        type: "static",
        purpose: "project",
        description: "",
        memberIds: [],
      });
      await sites.markReady(site.id);
    }
  } finally {
    await db.destroy();
  }
}

function openPage(managerUrl: string, token: string, names: readonly string[]): Promise<Page> {
  const socket = new WebSocket(`${managerUrl.replace(/^http/, "ws")}/ws`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const page: Page = { socket, endedAt: new Map() };
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as LiveServerMessage;
    if (message.type !== "operation") return;
    const { status, id } = message.operation;
    if ((status === "succeeded" || status === "failed") && !page.endedAt.has(id)) page.endedAt.set(id, Date.now());
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.send(JSON.stringify({ type: "watch", sites: names }));
      resolve(page);
    });
    socket.once("error", reject);
  });
}

/** Changes a real site's availability and waits until the operation's end reached every page. */
async function round(admin: ApiSession, pages: readonly Page[], site: string, availability: string) {
  const startedAt = Date.now();
  const answer = await admin.request("PUT", `/api/sites/${site}/availability`, { json: { availability } });
  if (answer.status !== 202 && answer.status !== 200) throw new Error(`availability: ${answer.status} ${answer.text}`);
  const id: number = answer.json().operation.id;
  const deadline = Date.now() + 60_000;
  while (pages.some((page) => !page.endedAt.has(id))) {
    if (Date.now() > deadline) throw new Error(`operation ${id} did not reach every page within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const latencies = pages.map((page) => (page.endedAt.get(id) ?? 0) - startedAt).sort((a, b) => a - b);
  return {
    firstMs: latencies[0] ?? 0,
    medianMs: latencies[Math.floor(latencies.length / 2)] ?? 0,
    lastMs: latencies.at(-1) ?? 0,
  };
}

async function measure(admin: ApiSession, pages: readonly Page[]) {
  const results: Array<Awaited<ReturnType<typeof round>>> = [];
  for (let index = 0; index < rounds; index++) {
    const site = realSites[index % realSites.length] ?? "live-a";
    results.push(await round(admin, pages, site, "not-served"));
    results.push(await round(admin, pages, site, "enabled"));
  }
  const median = (key: "firstMs" | "medianMs" | "lastMs") =>
    results.map((result) => result[key]).sort((a, b) => a - b)[Math.floor(results.length / 2)] ?? 0;
  return {
    changes: results.length,
    firstMs: median("firstMs"),
    medianMs: median("medianMs"),
    lastMs: median("lastMs"),
  };
}

/** The process's CPU use over `seconds`, in percent of one core (from /proc: user + system clock ticks). */
async function cpuPercent(pid: number, seconds: number): Promise<number> {
  const ticks = async () => {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
  };
  const { stdout } = await promisify(execFile)("getconf", ["CLK_TCK"]);
  const before = await ticks();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return Math.round((((await ticks()) - before) / Number(stdout.trim()) / seconds) * 100);
}

async function residentMemoryMiB(pid: number): Promise<number> {
  const { stdout } = await promisify(execFile)("ps", ["-o", "rss=", "-p", String(pid)]);
  return Math.round(Number(stdout.trim()) / 1024);
}

async function main() {
  // One login per 20 pages, all from 127.0.0.1: the per-address login limit (30 per 5 min) would refuse them.
  const director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: "warn", DIRECTOR_LOGIN_MAX_PER_IP: "10000" });
  await director.start();
  const pages: Page[] = [];
  try {
    await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
    const admin = await ApiSession.login(director.managerUrl, "bench", password);
    for (const name of realSites) {
      const created = await admin.request("POST", "/api/sites?wait=true", { json: { name } });
      if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.text}`);
    }
    const databaseUrl = (await readFile(path.join(director.dataDir, "run", "database-url"), "utf8")).trim();
    const accounts = Math.ceil(pageCount / pagesPerAccount);
    await seed(databaseUrl, accounts);
    const listed = await admin.request("GET", `/api/sites?limit=${siteCount}`);
    const names: string[] = listed.json().sites.map((site: { name: string }) => site.name);
    if (names.length !== siteCount) throw new Error(`expected ${siteCount} sites, listed ${names.length}`);

    const one = await openPage(director.managerUrl, admin.token, names);
    const baseline = await measure(admin, [one]);
    one.socket.close();
    process.stderr.write(`1 page: ${JSON.stringify(baseline)}\n`);

    const connectStartedAt = Date.now();
    for (let account = 0; account < accounts; account++) {
      const session = await ApiSession.login(director.managerUrl, `watcher${account}`, password);
      const count = Math.min(pagesPerAccount, pageCount - pages.length);
      pages.push(
        ...(await Promise.all(
          Array.from({ length: count }, () => openPage(director.managerUrl, session.token, names)),
        )),
      );
    }
    const connectS = (Date.now() - connectStartedAt) / 1000;
    const managerPid = director.pid;
    const memoryMiB = managerPid === undefined ? null : await residentMemoryMiB(managerPid);
    // Nothing changes for 30 s: what watching costs by itself (the hub's reads, the pages' session checks).
    const idleCpuPercent = managerPid === undefined ? null : await cpuPercent(managerPid, 30);
    const many = await measure(admin, pages);
    process.stderr.write(`${pages.length} pages: ${JSON.stringify(many)}\n`);
    process.stdout.write(
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          sites: siteCount,
          pages: pages.length,
          connectAllS: Number(connectS.toFixed(1)),
          directorUpResidentMemoryMiB: memoryMiB,
          directorUpIdleCpuPercent: idleCpuPercent,
          onePage: baseline,
          manyPages: many,
          lastPageVsOnePage: Number((many.lastMs / Math.max(baseline.lastMs, 1)).toFixed(2)),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    for (const page of pages) page.socket.terminate();
    await director.stop();
    await director.removeDockerObjects();
    await rm(director.dataDir, { recursive: true, force: true });
  }
}

await main();
