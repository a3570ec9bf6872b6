/**
 * Followed site logs on a real `director up` (one process: manager, orchestrator, Docker): a log whose client goes
 * closes its whole chain at once (the manager's connection to the orchestrator, the orchestrator's to Docker), also
 * when the client went before the log was opened, and one account, or everyone together, may follow only so many.
 * Connections are counted from the kernel's socket table (`ss`), not from our own bookkeeping.
 */

import { rm } from "node:fs/promises";
import { type IncomingMessage, request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";
import { dockerConnectionsOf, tcpConnectionsTo } from "./support/process-sockets.js";

const password = "log streams password";
/** The manager's total for this installation: small, so that the test reaches it. Per account: the default, 10. */
const maxTotal = 12;
const perAccount = 10;
const eventsPath = "/api/sites/app/logs/events?tailLines=0";

/** A followed log held open by the test, on a connection of its own. */
interface Follow {
  status: number;
  body: IncomingMessage;
  close(): void;
}

function follow(session: ApiSession): Promise<Follow> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${session.baseUrl}${eventsPath}`,
      { agent: false, headers: { authorization: `Bearer ${session.token}` } },
      (body) => {
        body.on("error", () => undefined); // closed by the test itself
        resolve({ status: body.statusCode ?? 0, body, close: () => req.destroy() });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function readAll(body: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of body) text += String(chunk);
  return text;
}

describe("director up: followed logs", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let sam: ApiSession;
  let pid: number;
  /** Connections of the director process to the orchestrator and to Docker, when no log is followed. */
  let baseline: { orchestrator: number; docker: number };

  const held = async () => ({
    orchestrator: await tcpConnectionsTo(pid, director.ports.orchestrator),
    docker: await dockerConnectionsOf(pid),
  });

  /** Polls every 50 ms until the connections are back to the baseline; resolves with how long that took. */
  async function backToBaseline(timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const now = await held();
      if (now.orchestrator === baseline.orchestrator && now.docker === baseline.docker) return Date.now() - started;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `still held after ${timeoutMs} ms: ${JSON.stringify(now)}, baseline ${JSON.stringify(baseline)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    // No usage collection: its calls to the orchestrator (traffic every 10 s, processes every 30 s, disks every
    // minute) would keep a connection the test counts.
    director = await DirectorProcess.create({
      DIRECTOR_LOG_STREAMS_TOTAL: String(maxTotal),
      DIRECTOR_TRAFFIC_INTERVAL_MS: "0",
      DIRECTOR_RESOURCES_INTERVAL_MS: "0",
      DIRECTOR_DISK_USAGE_INTERVAL_MS: "0",
    });
    await director.start();
    for (const [username, flags] of [
      ["admin", ["--superuser"]],
      ["sam", ["--role", "student"]],
    ] as const) {
      await director.run(["admin", "create-user", "--username", username, ...flags], `${password}\n`);
    }
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    sam = await ApiSession.login(director.managerUrl, "sam", password);
    const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: "app", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    const added = await admin.request("POST", "/api/sites/app/members", { json: { username: "sam" } });
    expect(added.status, added.text).toBe(201);
    const runSh = "#!/bin/sh\nwhile true; do echo tick; sleep 1; done\n";
    const uploaded = await sam.request("PUT", "/api/sites/app/files/run.sh?mode=755", { body: runSh });
    expect(uploaded.status, uploaded.text).toBe(200);
    const restarted = await sam.request("POST", "/api/sites/app/restart?wait=true");
    expect(restarted.status, restarted.text).toBe(200);
    // The calls made so far (the worker's, the restart's) left pooled connections to the orchestrator, which close
    // only after its keep-alive time (72 s); a restarted director has none, and only the follows call it from here on.
    await director.stop();
    await director.start();
    pid = director.pid ?? 0;
    // Start-up work uses Docker for a moment too, and its connection stays open ~5 s after: the baseline is what
    // stays the same for seven seconds, with no connection to the orchestrator.
    const settling = Date.now();
    let stableSince = Date.now();
    let last = await held();
    while (last.orchestrator > 0 || Date.now() - stableSince < 7_000) {
      if (Date.now() - settling > 60_000) throw new Error(`connections never settled: ${JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await held();
      if (now.orchestrator !== last.orchestrator || now.docker !== last.docker) stableSince = Date.now();
      last = now;
    }
    console.log(`connections settled ${Date.now() - settling} ms after the restart: ${JSON.stringify(last)}`);
    baseline = await held();
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  it("closes the orchestrator's request and its Docker log stream within moments of the client going", async () => {
    const follows = await Promise.all([follow(sam), follow(sam), follow(admin)]);
    try {
      expect(follows.map((one) => one.status)).toEqual([200, 200, 200]);
      await expect
        .poll(held, { timeout: 5_000 })
        .toEqual({ orchestrator: baseline.orchestrator + 3, docker: baseline.docker + 3 });
    } finally {
      for (const one of follows) one.close();
    }
    const closedMs = await backToBaseline(2_000);
    console.log(`three followed logs closed upstream in ${closedMs} ms`);
    // and nothing comes back: no idle connection opened in their place
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await held()).toEqual(baseline);
  });

  it("opens nothing upstream for a client that went before its log was opened", async () => {
    const requestText = `GET ${eventsPath} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${sam.token}\r\n\r\n`;
    await Promise.all(
      Array.from(
        { length: 5 },
        (_, index) =>
          new Promise<void>((resolve) => {
            const socket = connect(director.ports.manager, "127.0.0.1", () => {
              socket.write(requestText);
              setTimeout(() => socket.destroy(), index * 5);
            });
            socket.on("close", () => resolve());
            socket.on("error", () => undefined);
          }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await held()).toEqual(baseline);
  });

  it(`refuses an account's log number ${perAccount + 1} and, past ${maxTotal} in all, everyone's`, async () => {
    const sams = await Promise.all(Array.from({ length: perAccount }, () => follow(sam)));
    expect(sams.map((one) => one.status)).toEqual(Array(perAccount).fill(200));
    const eleventh = await follow(sam);
    expect(eleventh.status).toBe(429);
    expect(JSON.parse(await readAll(eleventh.body))).toMatchObject({
      error: { code: "LOG_STREAM_LIMIT", details: { limit: "account", max: perAccount } },
    });

    // another account still gets its logs, up to the manager's total
    const admins = [await follow(admin), await follow(admin)];
    expect(admins.map((one) => one.status)).toEqual([200, 200]);
    const overTotal = await follow(admin);
    expect(overTotal.status).toBe(429);
    const refusal = JSON.parse(await readAll(overTotal.body));
    expect(refusal).toMatchObject({ error: { code: "LOG_STREAM_LIMIT", details: { limit: "total", max: maxTotal } } });
    expect(refusal.error.message).toContain(String(maxTotal));

    // a closed log gives its place back at once
    sams[0]?.close();
    const deadline = Date.now() + 2_000;
    let again = await follow(admin);
    while (again.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await follow(admin);
    }
    expect(again.status).toBe(200);

    for (const one of [...sams, ...admins, again]) one.close();
    await backToBaseline(5_000);
  });
});
