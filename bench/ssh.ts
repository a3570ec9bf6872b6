/**
 * bench/ssh: the shell server of `director up` (apps/shell) under load, each figure beside a baseline in the same run
 * (the issue: "connections per second with key authentication, and 50 concurrent sessions echoing input (p99 round
 * trip); no error at 50"):
 * - connections per second with an ed25519 key: `--parallel` ssh2 clients in this process connect, log in, disconnect
 *   and start again for `--duration-s`, in `--rounds` alternating rounds; baseline: the same against a bare ssh2 server
 *   (its own process, Director's host keys) that accepts any key whose signature checks out, so the ratio is what the
 *   manager's key lookup and login add;
 * - `--sessions` sessions with a terminal (pty + shell) over `--sites` static sites, opened at once (time until each
 *   shell answers a command, and until all do), then held `--hold-s`, each typing a line every `--interval-ms` and
 *   waiting for its echo (a keystroke's round trip: ssh → shell server → manager → orchestrator → docker exec → the
 *   shell's pty, and back); baselines at the same time: `docker exec` shells the bench starts in the same terminal
 *   containers (the pty without SSH and Director's relays) and sessions echoing on the bare ssh2 server (SSH alone);
 *   then every shell must still run a command. Errors (a failed login, a channel closed unasked, a missing echo):
 *   the target is none;
 * - OpenSSH's `ssh -o BatchMode=yes … true`, `--openssh` times one after another: key login and a `docker exec` in
 *   the site's container, against the bare server's `true` (which exits at once).
 *
 *   node --import tsx bench/ssh.ts [--duration-s 10] [--rounds 3] [--parallel 8] [--sessions 50] [--sites 25]
 *     [--hold-s 20] [--interval-ms 200] [--openssh 10] [--director-log FILE]
 *
 * One person (not an administrator) is a member of every site and logs in as `student+<site>` with one ed25519 key
 * added through the API. Prints a table on stderr and a JSON report on stdout.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { terminalSiteLabel } from "@director/orchestrator";
import Docker from "dockerode";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess, repoRoot } from "../e2e/support/director-process.js";
import { runClient, SshClientHome } from "../e2e/support/openssh.js";
import { withForeignCpu } from "./support/foreign-cpu.js";
import { cpuMsOfStat, withCpuByComponent } from "./support/process-cpu.js";
import { connectionLoad, type SshTarget, spread, startBareSshServer } from "./support/ssh-load.js";
import { holdSessions, type SessionLoadOptions } from "./support/ssh-sessions.js";

const { values } = parseArgs({
  options: {
    "duration-s": { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    parallel: { type: "string", default: "8" },
    sessions: { type: "string", default: "50" },
    sites: { type: "string", default: "25" },
    "hold-s": { type: "string", default: "20" },
    "interval-ms": { type: "string", default: "200" },
    openssh: { type: "string", default: "10" },
    "director-log": { type: "string" },
  },
});
const durationMs = Number(values["duration-s"]) * 1000;
const rounds = Number(values.rounds);
const parallel = Number(values.parallel);
const sessionCount = Number(values.sessions);
const siteCount = Number(values.sites);
const password = "benchmark password 1";
const say = (line: string) => process.stderr.write(`[ssh] ${line}\n`);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  const director = await DirectorProcess.create({
    DIRECTOR_LOG_LEVEL: "warn",
    // One person holds every session of the load, all from 127.0.0.1.
    DIRECTOR_TERMINALS_PER_ACCOUNT: String(Math.max(200, sessionCount * 2)),
    DIRECTOR_TERMINALS_TOTAL: String(Math.max(300, sessionCount * 2)),
    DIRECTOR_SHELL_MAX_CONNECTIONS_PER_ADDRESS: String(Math.max(1000, sessionCount * 2 + parallel)),
  });
  const home = await SshClientHome.create();
  const bareServers: Array<Awaited<ReturnType<typeof startBareSshServer>>> = [];
  await director.start();
  try {
    await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
    await director.run(["admin", "create-user", "--username", "student"], `${password}\n`);
    const admin = await ApiSession.login(director.managerUrl, "bench", password);
    const sites = Array.from({ length: siteCount }, (_, index) => `term-${index + 1}`);
    say(`creating ${siteCount} static sites, student a member of each`);
    for (let start = 0; start < sites.length; start += 8) {
      await Promise.all(
        sites.slice(start, start + 8).map(async (name) => {
          const created = await admin.request("POST", "/api/sites?wait=true", { json: { name, type: "static" } });
          if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.text}`);
          const added = await admin.request("POST", `/api/sites/${name}/members`, { json: { username: "student" } });
          if (added.status !== 201) throw new Error(`member of ${name}: ${added.status} ${added.text}`);
        }),
      );
    }
    const key = await home.makeKey("student");
    const student = await ApiSession.login(director.managerUrl, "student", password);
    const added = await student.request("POST", "/api/account/ssh-keys", {
      json: { label: "bench", publicKey: key.publicKey },
    });
    if (added.status !== 201) throw new Error(`ssh key: ${added.status} ${added.text}`);

    const privateKey = await readFile(key.privatePath);
    const directorTarget: SshTarget = {
      port: director.ports.ssh,
      usernameOf: (index) => `student+${sites[index % sites.length]}`,
      privateKey,
    };
    const hostKeysDir = path.join(director.dataDir, "shell");
    const hostKeyFiles = ["ed25519", "ecdsa", "rsa"].map((kind) => path.join(hostKeysDir, `ssh_host_${kind}_key`));
    const bare = await startBareSshServer(repoRoot, hostKeyFiles, false);
    bareServers.push(bare);
    const bareNoDelay = await startBareSshServer(repoRoot, hostKeyFiles, true);
    bareServers.push(bareNoDelay);
    const bareTarget: SshTarget = { port: bare.port, usernameOf: () => "anyone", privateKey };

    const connections = await measureConnections({
      director: { ...directorTarget, pid: director.pid ?? 0 },
      bare: { ...bareTarget, pid: bare.pid },
      bareNoDelay: { ...bareTarget, port: bareNoDelay.port, pid: bareNoDelay.pid },
    });

    const docker = new Docker();
    const installationId = await director.installationId();
    const sessions = await holdSessions({
      director: directorTarget,
      bare: bareTarget,
      sessions: sessionCount,
      holdMs: Number(values["hold-s"]) * 1000,
      intervalMs: Number(values["interval-ms"]),
      directorPid: director.pid ?? 0,
      terminalContainers: async () =>
        (
          await docker.listContainers({
            filters: { label: [terminalSiteLabel, `org.director.installation=${installationId}`] },
          })
        ).map((container) => docker.getContainer(container.Id)),
      say,
    } satisfies SessionLoadOptions);

    const openssh = await measureOpenSsh(home, key, {
      director: { port: director.ports.ssh, login: `student+${sites[0]}` },
      bare: { port: bare.port, login: "anyone" },
      bareNoDelay: { port: bareNoDelay.port, login: "anyone" },
    });
    const report = {
      date: new Date().toISOString(),
      options: { durationS: durationMs / 1000, rounds, parallel, sessions: sessionCount, sites: siteCount },
      connections,
      sessions,
      openssh,
    };
    printTable(report);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const server of bareServers) await server.stop();
    await director.stop();
    if (values["director-log"] !== undefined) await writeFile(values["director-log"], director.output);
    await director.removeDockerObjects();
    await rm(director.dataDir, { recursive: true, force: true });
    await rm(home.dir, { recursive: true, force: true });
  }
}

type Server = "director" | "bare" | "bareNoDelay";

/**
 * Connections per second, Director against the bare server (as Director's: Nagle's algorithm on) and the bare server
 * with TCP_NODELAY, in rounds whose order turns, after a short warm-up of each; the CPU each server used per
 * connection, and the rest of the machine's load (a round it disturbed is not repeated, only told).
 */
async function measureConnections(targets: Record<Server, SshTarget & { pid: number }>) {
  const servers = Object.keys(targets) as Server[];
  say("warming up the servers");
  for (const server of servers) await connectionLoad(targets[server], { parallel, durationMs: 2000 });
  const cpuMsOf = async (pid: number) => cpuMsOfStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  async function measureOne(server: Server) {
    const target = targets[server];
    const measured = await withForeignCpu(async () => {
      if (server === "director") {
        const { result, cpuMs } = await withCpuByComponent(target.pid, () =>
          connectionLoad(target, { parallel, durationMs }),
        );
        return { load: result, serverCpuMs: cpuMs.director + cpuMs.postgres };
      }
      const before = await cpuMsOf(target.pid);
      const load = await connectionLoad(target, { parallel, durationMs });
      return { load, serverCpuMs: (await cpuMsOf(target.pid)) - before };
    });
    const { load, serverCpuMs } = measured.result;
    const perSecond = Math.round(load.perSecond);
    say(`${server}: ${perSecond} connections/s, ${load.errors.length} errors`);
    return {
      perSecond,
      readyMs: load.readyMs,
      errors: load.errors.length,
      firstErrors: [...new Set(load.errors)].slice(0, 5),
      serverCpuMsPerConnection: Number((serverCpuMs / Math.max(1, load.connections)).toFixed(2)),
      otherCores: Number(measured.foreignCores.toFixed(2)),
    };
  }
  const runs = new Map<Server, Array<Awaited<ReturnType<typeof measureOne>>>>(servers.map((server) => [server, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) runs.get(server)?.push(await measureOne(server));
  }
  const summary = (server: Server) => {
    const list = runs.get(server) ?? [];
    return {
      perSecondMedian: median(list.map((run) => run.perSecond)),
      perSecondRounds: list.map((run) => run.perSecond),
      ready: spread(list.flatMap((run) => run.readyMs)),
      errors: list.reduce((sum, run) => sum + run.errors, 0),
      firstErrors: [...new Set(list.flatMap((run) => run.firstErrors))].slice(0, 5),
      serverCpuMsPerConnection: median(list.map((run) => run.serverCpuMsPerConnection)),
      otherCoresRounds: list.map((run) => run.otherCores),
    };
  };
  const director = summary("director");
  const bare = summary("bare");
  const bareNoDelay = summary("bareNoDelay");
  const ratio = (of: number, to: number) => Number((of / Math.max(1, to)).toFixed(2));
  return {
    parallel,
    director,
    bare,
    bareNoDelay,
    ratio: ratio(director.perSecondMedian, bare.perSecondMedian),
    ratioToNoDelay: ratio(director.perSecondMedian, bareNoDelay.perSecondMedian),
  };
}

/** OpenSSH's `ssh … true`, one after another, each server in turn: Director's is a key login and a docker exec. */
async function measureOpenSsh(
  home: SshClientHome,
  key: Awaited<ReturnType<SshClientHome["makeKey"]>>,
  targets: Record<Server, { port: number; login: string }>,
) {
  const count = Number(values.openssh);
  if (count <= 0) return null;
  say(`OpenSSH: ${count} × ssh … true against each server`);
  const timed = async ({ port, login }: { port: number; login: string }) => {
    const started = performance.now();
    const run = await runClient("ssh", [...home.keyOptions(key), "-p", String(port), `${login}@127.0.0.1`, "true"]);
    return { ms: performance.now() - started, status: run.status, stderr: run.stderr.trim() };
  };
  const servers = Object.keys(targets) as Server[];
  // The first of each trusts the host key (accept-new): not counted.
  for (const server of servers) await timed(targets[server]);
  const runs = new Map<Server, Array<Awaited<ReturnType<typeof timed>>>>(servers.map((server) => [server, []]));
  for (let index = 0; index < count; index++) {
    for (const server of servers) runs.get(server)?.push(await timed(targets[server]));
  }
  const summary = (server: Server) => {
    const list = runs.get(server) ?? [];
    return {
      ...spread(list.map((run) => run.ms)),
      failed: list.filter((run) => run.status !== 0).map((run) => run.stderr),
    };
  };
  return { count, director: summary("director"), bare: summary("bare"), bareNoDelay: summary("bareNoDelay") };
}

// biome-ignore lint/suspicious/noExplicitAny: the report's shape is the one built above
function printTable(report: any) {
  const { connections: c, sessions: s, openssh: o } = report;
  const rows: Array<[string, string, string, string]> = [
    ["figure", "director up", "baseline", "ratio"],
    [
      `connections/s (${c.parallel} in parallel), median`,
      `${c.director.perSecondMedian} (${c.director.perSecondRounds.join(", ")})`,
      `${c.bare.perSecondMedian} (${c.bare.perSecondRounds.join(", ")}) bare ssh2`,
      String(c.ratio),
    ],
    [
      "",
      "",
      `${c.bareNoDelay.perSecondMedian} (${c.bareNoDelay.perSecondRounds.join(", ")}) bare + TCP_NODELAY`,
      String(c.ratioToNoDelay),
    ],
    [
      "time to ready p50 / p99",
      `${c.director.ready.p50Ms} / ${c.director.ready.p99Ms} ms`,
      `${c.bare.ready.p50Ms} / ${c.bare.ready.p99Ms} ms; nodelay ${c.bareNoDelay.ready.p50Ms} / ${c.bareNoDelay.ready.p99Ms} ms`,
      "",
    ],
    ["connection errors", String(c.director.errors), `${c.bare.errors}; nodelay ${c.bareNoDelay.errors}`, ""],
    [
      "server CPU per connection",
      `${c.director.serverCpuMsPerConnection} ms`,
      `${c.bare.serverCpuMsPerConnection} ms; nodelay ${c.bareNoDelay.serverCpuMsPerConnection} ms`,
      "",
    ],
    [`${s.sessions} sessions: all ready`, `${s.open.allReadyS} s`, `${s.open.bareAllReadyS} s (bare, echo)`, ""],
    [
      "session ready p50 / p99",
      `${s.open.readyMs.p50Ms} / ${s.open.readyMs.p99Ms} ms`,
      `${s.open.bareReadyMs.p50Ms} / ${s.open.bareReadyMs.p99Ms} ms`,
      "",
    ],
    [
      `round trip p50 / p99 / max (${s.hold.roundTrips} in ${s.hold.seconds} s)`,
      `${s.hold.roundTripMs.p50Ms} / ${s.hold.roundTripMs.p99Ms} / ${s.hold.roundTripMs.maxMs} ms`,
      `docker exec ${s.hold.dockerExec.roundTripMs.p50Ms} / ${s.hold.dockerExec.roundTripMs.p99Ms} / ${s.hold.dockerExec.roundTripMs.maxMs} ms`,
      `p99 ${(s.hold.roundTripMs.p99Ms / Math.max(0.1, s.hold.dockerExec.roundTripMs.p99Ms)).toFixed(2)}`,
    ],
    [
      "",
      "",
      `bare ssh2 ${s.hold.bareEcho.roundTripMs.p50Ms} / ${s.hold.bareEcho.roundTripMs.p99Ms} / ${s.hold.bareEcho.roundTripMs.maxMs} ms`,
      "",
    ],
    ["session errors", String(s.errors.count), "", ""],
    ["shells running a command after the hold", `${s.shellsRunningCommandsAfterHold} of ${s.sessions}`, "", ""],
  ];
  if (o !== null) {
    rows.push([
      `OpenSSH ssh … true p50 / p99 (${o.count})`,
      `${o.director.p50Ms} / ${o.director.p99Ms} ms`,
      `${o.bare.p50Ms} / ${o.bare.p99Ms} ms; nodelay ${o.bareNoDelay.p50Ms} / ${o.bareNoDelay.p99Ms} ms`,
      "",
    ]);
  }
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  for (const row of rows) say(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | "));
}

await main();
