/**
 * bench/static-site: requests per second for one static file of a site served by `director up`, against the
 * same file served by a plain nginx, in one run on this machine; then the same without the traffic log (the cost of
 * counting each site's requests) and for the split topology (router and balancer as separate nginx processes, i.e.
 * one extra hop, as on separate machines).
 *
 *   node --import tsx bench/static-site.ts [--duration-s 10] [--rounds 3]
 *
 * Runs wrk (Debian package) against 127.0.0.1 only, bounded in time. Prints the medians and ratios.
 */
import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runCommand } from "@director/host/run-command";
import { freePort } from "@director/testing/free-port";
import { httpRequest } from "@director/testing/http-request";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";

const { values } = parseArgs({
  options: { "duration-s": { type: "string", default: "10" }, rounds: { type: "string", default: "3" } },
});
const durationS = Number(values["duration-s"]);
const rounds = Number(values.rounds);
const password = "benchmark password 1";
const body = `${"x".repeat(1000)}\n`.slice(0, 1024); // ~1 KB, as in STACK.md's measurements

/** Both targets must serve exactly the file before their speed means anything. */
async function assertServes(url: string, host: string): Promise<void> {
  const answer = await httpRequest({ url, host });
  if (answer.status !== 200 || answer.text !== body) {
    throw new Error(`${url} (Host ${host}) answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  }
}

async function wrk(url: string, host: string): Promise<number> {
  await assertServes(url, host);
  const { stdout, exitCode, stderr } = await runCommand(
    ["wrk", "-t2", "-c64", `-d${durationS}s`, "-H", `Host: ${host}`, url],
    { timeoutMs: (durationS + 30) * 1000 },
  );
  if (exitCode !== 0) throw new Error(`wrk failed: ${stderr}`);
  const match = /Requests\/sec:\s+([0-9.]+)/.exec(stdout);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  if (!match) throw new Error(`no rate in wrk output:\n${stdout}`);
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} error answers from ${url} (${host})`);
  return Number(match[1]);
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** A plain nginx serving the same bytes with the same tuning: the baseline. */
async function startPlainNginx(file: Buffer, extraHttpConfig = ""): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "plain-nginx-"));
  await chmod(dir, 0o755); // nginx workers run unprivileged, as Director's do
  await mkdir(path.join(dir, "html"), { recursive: true });
  await writeFile(path.join(dir, "html", "index.html"), file);
  const port = await freePort();
  const conf = `user www-data; worker_processes auto; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { include /etc/nginx/mime.types; access_log off; sendfile on; tcp_nopush on; keepalive_timeout 65;
  keepalive_requests 10000; client_body_temp_path ${dir}/tmp; ${extraHttpConfig}
  server { listen 127.0.0.1:${port}; root ${dir}/html; } }\n`;
  await writeFile(path.join(dir, "nginx.conf"), conf);
  const child = spawn("nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    port,
    stop: async () => {
      child.kill("SIGQUIT");
      await new Promise((resolve) => child.once("exit", resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const targets = {
  shared: { DIRECTOR_TOPOLOGY: "shared" },
  sharedUncounted: { DIRECTOR_TOPOLOGY: "shared", DIRECTOR_BALANCER_TRAFFIC_LOG: "false" },
  split: { DIRECTOR_TOPOLOGY: "split" },
} as const;
type Target = keyof typeof targets;

async function startDirectorWithSite(target: Target) {
  const director = await DirectorProcess.create({ ...targets[target], DIRECTOR_LOG_LEVEL: "warn" });
  await director.start();
  await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
  const api = await ApiSession.login(director.managerUrl, "bench", password);
  const created = await api.request("POST", "/api/sites", { json: { name: "bench" } });
  await api.waitForOperation(created.json().operation.id);
  await api.request("PUT", "/api/sites/bench/files/public/index.html", { body });
  return director;
}

async function main() {
  const plain = await startPlainNginx(Buffer.from(body));
  // The stricter baseline: plain nginx with the same open-file cache Director's nginx uses.
  const tuned = await startPlainNginx(
    Buffer.from(body),
    "open_file_cache max=20000 inactive=30s; open_file_cache_valid 1s;",
  );
  const results: Record<string, number[]> = { plain: [], tuned: [], shared: [], sharedUncounted: [], split: [] };
  try {
    for (const topology of Object.keys(targets) as Target[]) {
      const director = await startDirectorWithSite(topology);
      try {
        for (let round = 0; round < rounds; round++) {
          results.plain?.push(await wrk(`http://127.0.0.1:${plain.port}/`, "localhost"));
          results.tuned?.push(await wrk(`http://127.0.0.1:${tuned.port}/`, "localhost"));
          results[topology]?.push(await wrk(`${director.sitesUrl}/`, `bench.sites.localhost:${director.ports.sites}`));
        }
      } finally {
        await director.stop();
        await director.removeDockerObjects();
        await rm(director.dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await plain.stop();
    await tuned.stop();
  }
  const plainRate = median(results.plain ?? []);
  const tunedRate = median(results.tuned ?? []);
  const report = {
    date: new Date().toISOString(),
    wrk: `-t2 -c64 -d${durationS}s, ${rounds} rounds each, medians`,
    plainNginxRps: Math.round(plainRate),
    tunedPlainNginxRps: Math.round(tunedRate),
    sharedRps: Math.round(median(results.shared ?? [])),
    sharedUncountedRps: Math.round(median(results.sharedUncounted ?? [])),
    splitRps: Math.round(median(results.split ?? [])),
    /** what counting each site's requests (the traffic log) leaves of the speed without it */
    countedToUncounted: Number((median(results.shared ?? []) / median(results.sharedUncounted ?? [])).toFixed(3)),
    sharedRatio: Number((median(results.shared ?? []) / plainRate).toFixed(3)),
    splitRatio: Number((median(results.split ?? []) / plainRate).toFixed(3)),
    sharedRatioToTuned: Number((median(results.shared ?? []) / tunedRate).toFixed(3)),
    splitRatioToTuned: Number((median(results.split ?? []) / tunedRate).toFixed(3)),
    raw: results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
