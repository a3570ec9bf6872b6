/**
 * The balancer's traffic log against a real nginx: wrk's requests counted exactly per host and status class, through
 * rotations, reloads and a new reader picking up a cursor, with no line counted twice or lost.
 */
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import type { TrafficBucket, TrafficCursor } from "@director/contracts/orchestrator-usage";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { trafficLogLayout } from "@director/host/nginx-traffic-log";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { wrkRequests } from "@director/testing/wrk-requests";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NginxTrafficLog, type NginxTrafficLogOptions } from "./nginx-traffic-log.js";

const log = pino({ level: "silent" });
let nginx: TestNginx;
let url: string;

beforeAll(async () => {
  nginx = await startTestNginx({ prefix: "director-traffic-", includeDirNames: ["sites"], log, hasTrafficLog: true });
  url = `http://127.0.0.1:${nginx.port}`;
  const store = new NginxConfigStore(nginx.confDirs.sites ?? "", nginx.server, log);
  await store.put(
    parseNginxConfigFileName("sites.conf"),
    [
      "server {",
      `  listen 127.0.0.1:${nginx.port} default_server;`,
      "  server_name busy.test quiet.test;",
      '  location / { return 200 "hello\\n"; }',
      "  location /missing { return 404; }",
      "  location /moved { return 301 /; }",
      "  location /broken { return 502; }",
      "}",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await nginx?.server.stop();
  if (nginx) await rm(nginx.root, { recursive: true, force: true });
});

const layout = () => trafficLogLayout(path.join(nginx.root, "nginx"));

function reader(options: Partial<NginxTrafficLogOptions> = {}): NginxTrafficLog {
  return new NginxTrafficLog({ layout: layout(), reopenLogs: () => nginx.server.reopenLogs(), log, ...options });
}

/** Sums of every bucket read, by host. */
type Totals = Map<string, Omit<TrafficBucket, "host" | "minute">>;

function addTo(totals: Totals, buckets: readonly TrafficBucket[]): void {
  for (const { host, minute: _minute, ...counts } of buckets) {
    const sum = totals.get(host) ?? {
      requests: 0,
      bytesSent: 0,
      status2xx: 0,
      status3xx: 0,
      status4xx: 0,
      status5xx: 0,
      requestTimeMsSum: 0,
      requestTimeMsMax: 0,
    };
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) {
      sum[key] = key === "requestTimeMsMax" ? Math.max(sum[key], counts[key]) : sum[key] + counts[key];
    }
    totals.set(host, sum);
  }
}

/** Reads (as the manager does: again at once while there is more) until `done` holds or 15 s pass. */
async function readUntil(
  log: NginxTrafficLog,
  start: { cursor: TrafficCursor | null; totals: Totals },
  done: (totals: Totals) => boolean,
  maxBytes = 4 * 1024 * 1024,
): Promise<{ cursor: TrafficCursor; totals: Totals; reads: number }> {
  let { cursor } = start;
  let reads = 0;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const read = await log.read(cursor, maxBytes);
    reads += 1;
    addTo(start.totals, read.buckets);
    cursor = read.next;
    if (!read.hasMore && done(start.totals)) return { cursor, totals: start.totals, reads };
    if (Date.now() > deadline) throw new Error(`counts never arrived: ${JSON.stringify([...start.totals])}`);
    if (!read.hasMore) await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const requestsOf = (totals: Totals, host: string) => totals.get(host)?.requests ?? 0;

describe("the balancer's traffic log", () => {
  let cursor: TrafficCursor | null = null;
  const totals: Totals = new Map();

  it("counts wrk's requests exactly per host, with their status classes", async () => {
    const busy = await wrkRequests({ url: `${url}/`, host: "busy.test", threads: 2, requestsPerThread: 250 });
    const missing = await wrkRequests({ url: `${url}/missing`, host: "quiet.test", threads: 1, requestsPerThread: 40 });
    const moved = await wrkRequests({ url: `${url}/moved`, host: "quiet.test", threads: 1, requestsPerThread: 7 });
    const broken = await wrkRequests({ url: `${url}/broken`, host: "quiet.test", threads: 1, requestsPerThread: 3 });
    expect([busy.requests, missing.requests, moved.requests, broken.requests]).toEqual([500, 40, 7, 3]);
    expect(missing.non2xxOr3xx).toBe(40);

    const log = reader();
    ({ cursor } = await readUntil(
      log,
      { cursor, totals },
      (sums) => requestsOf(sums, "busy.test") >= 500 && requestsOf(sums, "quiet.test") >= 50,
    ));
    // nginx's buffers are flushed within a second: wait past that, and nothing more may come.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    ({ cursor } = await readUntil(log, { cursor, totals }, () => true));
    expect(totals.get("busy.test")).toMatchObject({ requests: 500, status2xx: 500, status4xx: 0, status5xx: 0 });
    expect(totals.get("quiet.test")).toMatchObject({
      requests: 50,
      status2xx: 0,
      status3xx: 7,
      status4xx: 40,
      status5xx: 3,
    });
    // Each answer is "hello\n" with nginx's headers: well over 6 bytes, well under 1 KiB.
    const busyBytes = totals.get("busy.test")?.bytesSent ?? 0;
    expect(busyBytes / 500).toBeGreaterThan(100);
    expect(busyBytes / 500).toBeLessThan(1024);
    expect([...totals.keys()].sort()).toEqual(["busy.test", "quiet.test"]);
  });

  it("neither loses nor repeats a line through rotations, reloads and a new reader", async () => {
    const before = requestsOf(totals, "busy.test");
    // Small files and a short grace: several rotations in a few seconds.
    const options = { rotateBytes: 4096, graceMs: 1500 };
    let log = reader(options);
    let sent = 0;
    for (let round = 0; round < 6; round += 1) {
      sent += (await wrkRequests({ url: `${url}/`, host: "busy.test", threads: 2, requestsPerThread: 60 })).requests;
      if (round === 2) await nginx.server.reload();
      // A restarted orchestrator: a new reader, the manager's cursor.
      if (round === 4) log = reader(options);
      // Small reads: a read ends mid-file and the next goes on from there.
      ({ cursor } = await readUntil(log, { cursor, totals }, () => true, 1024));
    }
    expect(sent).toBe(720);
    ({ cursor } = await readUntil(log, { cursor, totals }, (sums) => requestsOf(sums, "busy.test") >= before + sent));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    ({ cursor } = await readUntil(log, { cursor, totals }, () => true));
    expect(requestsOf(totals, "busy.test")).toBe(before + sent);
    expect(cursor?.generation).toBeGreaterThanOrEqual(3);
    // Files the cursor is past are removed; at most the live one and one in its grace remain.
    const files = (await readdir(layout().dir)).filter((name) => name.endsWith(".log"));
    expect(files.length).toBeLessThanOrEqual(2);
    expect(files).toContain("traffic.log");
  });

  it("finishes a rotation whose state was never written, and tells nginx to reopen", async () => {
    const state = JSON.parse(await readFile(layout().statePath, "utf8")) as { generation: number };
    // As if the orchestrator died right after the rename.
    await rename(layout().livePath, layout().rotatedPath(state.generation));
    const before = requestsOf(totals, "busy.test");
    await wrkRequests({ url: `${url}/`, host: "busy.test", threads: 1, requestsPerThread: 30 });
    const log = reader({ graceMs: 1500 });
    ({ cursor } = await readUntil(log, { cursor, totals }, (sums) => requestsOf(sums, "busy.test") >= before + 30));
    await wrkRequests({ url: `${url}/`, host: "busy.test", threads: 1, requestsPerThread: 20 });
    ({ cursor } = await readUntil(log, { cursor, totals }, (sums) => requestsOf(sums, "busy.test") >= before + 50));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    ({ cursor } = await readUntil(log, { cursor, totals }, () => true));
    expect(requestsOf(totals, "busy.test")).toBe(before + 50);
    expect(cursor?.generation).toBe(state.generation + 1);
    // nginx writes to the live path again.
    expect((await readFile(layout().livePath, "latin1")).length).toBeGreaterThan(0);
  });

  it("keeps a client's Host from shifting the fields: a forged byte count or status is not counted", async () => {
    const busyBefore = { ...totals.get("busy.test") };
    const quietBefore = requestsOf(totals, "quiet.test");
    // nginx refuses a Host with spaces (400) and logs the default server's name: no field of the line is the client's.
    expect(await rawRequest("GET / HTTP/1.1\r\nHost: quiet.test 200 999999999 9\r\nConnection: close\r\n\r\n")).toBe(
      400,
    );
    // Quotes and backslashes are taken, and logged escaped: one field still.
    expect(await rawRequest('GET / HTTP/1.1\r\nHost: a"b\\c 200 9\r\nConnection: close\r\n\r\n')).toBe(400);
    expect(await rawRequest('GET / HTTP/1.1\r\nHost: a"b\\c\r\nConnection: close\r\n\r\n')).toBe(200);
    const log = reader();
    ({ cursor } = await readUntil(log, { cursor, totals }, (sums) => requestsOf(sums, "a\\x22b\\x5Cc") === 1));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    ({ cursor } = await readUntil(log, { cursor, totals }, () => true));
    const busy = totals.get("busy.test");
    expect(busy?.requests).toBe((busyBefore.requests ?? 0) + 2);
    expect(busy?.status4xx).toBe((busyBefore.status4xx ?? 0) + 2);
    expect((busy?.bytesSent ?? 0) - (busyBefore.bytesSent ?? 0)).toBeLessThan(2000);
    expect(requestsOf(totals, "quiet.test")).toBe(quietBefore);
    expect([...totals.keys()].filter((host) => host.includes("999"))).toEqual([]);
  });

  it("starts a new log, and a stale cursor over, when its state is unreadable", async () => {
    await writeFile(layout().statePath, "not json");
    const log = reader();
    const read = await log.read(cursor, 1024 * 1024);
    expect(read.next.logId).not.toBe(cursor?.logId);
    await wrkRequests({ url: `${url}/`, host: "quiet.test", threads: 1, requestsPerThread: 5 });
    const fresh: Totals = new Map();
    addTo(fresh, read.buckets);
    await readUntil(log, { cursor: read.next, totals: fresh }, (sums) => requestsOf(sums, "quiet.test") >= 5);
  });
});

/** One raw HTTP/1.1 exchange; the answer's status code. */
function rawRequest(text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(nginx.port, "127.0.0.1", () => socket.end(text));
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on("error", reject);
  });
}

describe("an unread traffic log", () => {
  it("is held to its size: the oldest files go once settled, uncounted, and the newest lines stay readable", async () => {
    const root = path.join(nginx.root, "unread");
    const unread = trafficLogLayout(root);
    await rm(root, { recursive: true, force: true });
    const { mkdir, appendFile, stat } = await import("node:fs/promises");
    await mkdir(unread.dir, { recursive: true });
    let now = 1_000_000;
    const warnings: string[] = [];
    const trimmed = new NginxTrafficLog({
      layout: unread,
      reopenLogs: async () => undefined, // no nginx writes here: the test appends the lines itself
      log: { info: () => undefined, warn: (_fields: object, message?: string) => warnings.push(message ?? "") },
      rotateBytes: 64 * 1024,
      maxBytes: 160 * 1024,
      graceMs: 5000,
      now: () => now,
    });
    const line = `${(now / 1000).toFixed(3)} busy.test 200 100 0.001\n`;
    for (let round = 0; round < 6; round += 1) {
      await appendFile(unread.livePath, line.repeat(Math.ceil((80 * 1024) / line.length)));
      await trimmed.trim();
      now += 10_000; // past the grace: the file rotated this round is settled by the next
    }
    const names = await readdir(unread.dir);
    let total = 0;
    for (const name of names.filter((one) => one.endsWith(".log")))
      total += (await stat(path.join(unread.dir, name))).size;
    expect(total).toBeLessThanOrEqual(160 * 1024 + 80 * 1024); // the cap, and at most the live file's one round
    expect(warnings.some((warning) => warning.startsWith("dropped traffic log lines"))).toBe(true);
    // A reader from the start gets what is left, and nothing it cannot parse.
    const read = await trimmed.read(null, 16 * 1024 * 1024);
    const requests = read.buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
    expect(requests).toBeGreaterThan(0);
    expect(requests * line.length).toBeLessThanOrEqual(total);
  });
});
