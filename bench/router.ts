/**
 * bench/router: a site's own domain over HTTPS under `director up`, with a certificate from pebble (the ACME test CA).
 *
 *   node --import tsx bench/router.ts [--duration-s 10] [--rounds 3] [--domains 5] [--director-log FILE]
 *
 * 1. add domain → first HTTPS 200: for each of `--domains` fresh names (challtestsrv resolves every name to
 *    127.0.0.1, as in e2e/custom-domain), the clock runs from `POST /api/sites/bench/domains` until an HTTPS GET
 *    trusting only pebble's root answers 200 with the page's bytes; the operations' times say where it went.
 * 2. requests per second over HTTPS for the first of those domains, through Director's nginx and through a plain nginx
 *    serving the same file with the same certificate, key and TLS settings, in alternating rounds, for keep-alive
 *    connections and for a new connection per request (bench/support/wrk-https.ts says what wrk does then). A run
 *    during which other processes kept more than a tenth of a core busy is measured again (bench/support/foreign-cpu.ts).
 *
 * Load goes to 127.0.0.1 only, bounded in time. Prints the medians and ratios as JSON, each run on stderr.
 */
import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { certificateFileName, certificateKeyFileName } from "@director/contracts/certificate-files";
import { freePort } from "@director/testing/free-port";
import type { TestPebble } from "@director/testing/test-pebble";
import { startPebbleFor } from "../e2e/support/acme.js";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";
import { withForeignCpu } from "./support/foreign-cpu.js";
import { httpsGet, wrkHttps } from "./support/wrk-https.js";

const { values } = parseArgs({
  options: {
    "duration-s": { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    domains: { type: "string", default: "5" },
    /** a file to write `director up`'s output to at the end (with DIRECTOR_LOG_LEVEL from the environment) */
    "director-log": { type: "string" },
  },
});
const durationS = Number(values["duration-s"]);
const rounds = Number(values.rounds);
const domainCount = Number(values.domains);
const password = "benchmark password 1";
const body = `${"x".repeat(1000)}\n`.slice(0, 1024); // ~1 KB, as bench/static-site
const firstServedTimeoutMs = 60_000;
const foreignCoresLimit = 0.1;
const maxAttempts = 4;

/**
 * The TLS settings Director's HTTPS servers share (apps/orchestrator/src/core/render-site-tls.ts, renderTlsCommon);
 * the bench checks that Director's generated configuration still holds each line, so the baseline cannot drift.
 */
const tlsHttpLines = [
  "ssl_protocols TLSv1.2 TLSv1.3;",
  "ssl_prefer_server_ciphers off;",
  "ssl_session_cache shared:director_tls:10m;",
  "ssl_session_timeout 1d;",
  "ssl_session_tickets off;",
];
const tlsServerLines = ["ssl http2 default_server;", "ssl_reject_handshake on;", "ssl http2;"];
const openFileCache = "open_file_cache max=20000 inactive=30s; open_file_cache_valid 1s;";

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Target {
  name: "plain" | "cached" | "director";
  port: number;
}

/** A target must serve exactly the page, with the certificate pebble issued, before its speed means anything. */
async function assertServes(target: Target, domain: string, root: string, fingerprint: string): Promise<void> {
  const answer = await httpsGet(target.port, domain, root);
  if (answer.status !== 200 || answer.body !== body) {
    throw new Error(`${target.name} (${domain}) answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  }
  if (answer.certificate.fingerprint256 !== fingerprint) {
    throw new Error(`${target.name} served another certificate than pebble's for ${domain}`);
  }
}

/** A plain nginx serving the same bytes over HTTPS with Director's certificate and TLS settings: the baseline. */
async function startPlainNginx(options: {
  domain: string;
  certificatePem: string;
  keyPem: string;
  extraHttpConfig: string;
}): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "plain-nginx-tls-"));
  await chmod(dir, 0o755); // nginx workers run unprivileged, as Director's do
  await mkdir(path.join(dir, "html"), { recursive: true });
  await writeFile(path.join(dir, "html", "index.html"), body);
  await writeFile(path.join(dir, certificateFileName), options.certificatePem);
  await writeFile(path.join(dir, certificateKeyFileName), options.keyPem, { mode: 0o600 }); // read by the master
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const conf = `user www-data; worker_processes auto; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { include /etc/nginx/mime.types; access_log off; sendfile on; tcp_nopush on; keepalive_timeout 65;
  keepalive_requests 10000; client_body_temp_path ${dir}/tmp; ${options.extraHttpConfig}
  ${tlsHttpLines.join(" ")}
  server { listen ${listen} ssl http2 default_server; ssl_reject_handshake on; }
  server { listen ${listen} ssl http2; server_name ${options.domain}; root ${dir}/html;
    ssl_certificate ${dir}/${certificateFileName}; ssl_certificate_key ${dir}/${certificateKeyFileName}; } }\n`;
  await writeFile(path.join(dir, "nginx.conf"), conf);
  const child = spawn("nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await sleep(500);
  return {
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGQUIT");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir` whose name ends in `.conf`. */
async function confFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".conf"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Throws unless Director's generated nginx configuration holds every TLS line the baseline copies. */
async function assertSameTlsSettings(dataDir: string): Promise<void> {
  const texts = await Promise.all((await confFilesUnder(dataDir)).map((file) => readFile(file, "utf8")));
  const all = texts.join("\n");
  const missing = [...tlsHttpLines, ...tlsServerLines].filter((line) => !all.includes(line));
  if (missing.length > 0) {
    throw new Error(`Director's nginx config no longer has ${missing.join(" ")}: update the baseline (bench/router)`);
  }
}

/** Where the time from adding a domain to its first HTTPS 200 went, in milliseconds from the add. */
interface FirstServed {
  domain: string;
  firstHttps200Ms: number;
  /** when the update_domains operation the add queued ended (the site served at the domain over HTTP) */
  servedOverHttpMs: number | null;
  /** when the domain checker queued the issue_certificate operation */
  certificateQueuedMs: number;
  /** when that operation ended (ACME order over HTTP-01 with pebble, files written, nginx reloaded) */
  certificateEndedMs: number;
}

/** The time from adding `domain` to the site until HTTPS answers the page, trusting only pebble's root. */
async function timeToFirstHttps200(api: ApiSession, httpsPort: number, domain: string, root: string) {
  const addedAt = Date.now();
  const started = performance.now();
  const added = await api.request("POST", "/api/sites/bench/domains", { json: { domain } });
  if (added.status !== 201) throw new Error(`adding ${domain}: ${added.status} ${added.text}`);
  const deadline = started + firstServedTimeoutMs;
  while (performance.now() < deadline) {
    const answer = await httpsGet(httpsPort, domain, root, 1_000).catch(() => undefined);
    if (answer?.status === 200 && answer.body === body) {
      const firstHttps200Ms = performance.now() - started;
      const servingOperation: number | undefined = added.json().operation?.id;
      const served = servingOperation === undefined ? null : await api.waitForOperation(servingOperation);
      return {
        domain,
        firstHttps200Ms,
        servedOverHttpMs: served === null ? null : Date.parse(served.finishedAt) - addedAt,
        ...(await certificateOperationTimes(api, addedAt)),
      };
    }
    await sleep(20);
  }
  const listed = await api.request("GET", "/api/sites/bench/domains");
  throw new Error(`${domain} not served over HTTPS within ${firstServedTimeoutMs} ms: ${listed.text}`);
}

/** The first issue_certificate operation created after `addedAt` (domains are added one at a time). */
async function certificateOperationTimes(api: ApiSession, addedAt: number) {
  const listed = await api.request("GET", "/api/admin/operations?status=all&limit=20");
  const operations: Array<{ id: number; kind: string; createdAt: string }> = listed.json().operations;
  const issue = operations
    .filter((operation) => operation.kind === "issue_certificate" && Date.parse(operation.createdAt) >= addedAt)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
  if (issue === undefined) throw new Error(`no issue_certificate operation after the add: ${listed.text}`);
  // Its last step reloads nginx, so the domain may answer before the operation is marked as ended.
  const ended = await api.waitForOperation(issue.id);
  if (ended.status !== "succeeded") throw new Error(`issue_certificate ${issue.id} ${ended.status}: ${ended.error}`);
  return {
    certificateQueuedMs: Date.parse(issue.createdAt) - addedAt,
    certificateEndedMs: Date.parse(ended.finishedAt) - addedAt,
  };
}

async function startDirectorWithPebble(): Promise<{
  director: DirectorProcess;
  pebble: TestPebble;
  httpsPort: number;
}> {
  const director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: process.env.DIRECTOR_LOG_LEVEL ?? "warn" });
  const { pebble, httpsPort } = await startPebbleFor(director);
  try {
    director.env.DIRECTOR_DOMAINS_PER_SITE = String(Math.max(5, domainCount));
    await director.start();
    return { director, pebble, httpsPort };
  } catch (error) {
    await runEach([
      () => director.stop(),
      () => pebble.stop(),
      () => director.removeDockerObjects(),
      () => rm(director.dataDir, { recursive: true, force: true }),
    ]);
    throw error;
  }
}

/** Measurements repeated because other processes used the CPU meanwhile, and those still disturbed at the end. */
const disturbances = { repeated: 0, keptDisturbed: [] as string[] };

/**
 * A rate measured while the rest of the machine stayed (nearly) idle: measured again, up to `maxAttempts` times, when
 * other processes kept more than `foreignCoresLimit` of a core busy (bench/support/foreign-cpu.ts).
 */
async function measureUndisturbed(label: string, measure: () => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const { result, foreignCores } = await withForeignCpu(measure);
    const note = `${label}: ${Math.round(result)} requests/s, other processes ${foreignCores.toFixed(2)} cores`;
    if (foreignCores <= foreignCoresLimit) {
      process.stderr.write(`${note}\n`);
      return result;
    }
    if (attempt === maxAttempts) {
      process.stderr.write(`${note}: kept, still disturbed after ${maxAttempts} attempts\n`);
      disturbances.keptDisturbed.push(note);
      return result;
    }
    process.stderr.write(`${note}: disturbed, measuring again\n`);
    disturbances.repeated++;
    await sleep(5_000);
  }
}

/** Runs every clean-up step even when one fails; throws the failures together at the end. */
async function runEach(steps: ReadonlyArray<() => Promise<unknown>>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) await step().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw new AggregateError(failures, "clean-up failed");
}

type Mode = "keepAlive" | "newConnection";

async function main() {
  const { director, pebble, httpsPort } = await startDirectorWithPebble();
  const baselines: Array<{ stop(): Promise<void> }> = [];
  const firstServed: FirstServed[] = [];
  const results: Record<Mode, Record<Target["name"], number[]>> = {
    keepAlive: { plain: [], cached: [], director: [] },
    newConnection: { plain: [], cached: [], director: [] },
  };
  try {
    await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
    const api = await ApiSession.login(director.managerUrl, "bench", password);
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "bench" } });
    if (created.status !== 201) throw new Error(`creating the site: ${created.status} ${created.text}`);
    await api.request("PUT", "/api/sites/bench/files/public/index.html", { body });
    const root = await pebble.issuingRootPem();

    const domains = Array.from({ length: domainCount }, (_, index) => `www-${index + 1}.router-bench.test`);
    for (const domain of domains) firstServed.push(await timeToFirstHttps200(api, httpsPort, domain, root));

    const domain = domains[0] ?? "";
    await assertSameTlsSettings(director.dataDir);
    const certificateDir = path.join(director.dataDir, "router", "certificates", domain);
    const certificatePem = await readFile(path.join(certificateDir, certificateFileName), "utf8");
    const keyPem = await readFile(path.join(certificateDir, certificateKeyFileName), "utf8");
    const fingerprint = (await httpsGet(httpsPort, domain, root)).certificate.fingerprint256;
    const plain = await startPlainNginx({ domain, certificatePem, keyPem, extraHttpConfig: "" });
    baselines.push(plain);
    // The stricter baseline, as in bench/static-site: plus the open-file cache Director's nginx uses.
    const cached = await startPlainNginx({ domain, certificatePem, keyPem, extraHttpConfig: openFileCache });
    baselines.push(cached);

    const targets: Target[] = [
      { name: "plain", port: plain.port },
      { name: "cached", port: cached.port },
      { name: "director", port: httpsPort },
    ];
    for (let round = 0; round < rounds; round++) {
      // Which target goes first turns each round, so a machine warming up or slowing down favours none.
      const order = targets.map((_, index) => targets[(index + round) % targets.length] as Target);
      for (const mode of ["keepAlive", "newConnection"] as const) {
        for (const target of order) {
          await assertServes(target, domain, root, fingerprint);
          const rate = await measureUndisturbed(`round ${round + 1} ${mode} ${target.name}`, () =>
            wrkHttps({
              port: target.port,
              serverName: domain,
              durationS,
              threads: 2,
              connections: 64,
              isNewConnectionPerRequest: mode === "newConnection",
            }),
          );
          results[mode][target.name].push(rate);
        }
      }
    }
  } finally {
    await runEach([
      ...baselines.map((baseline) => () => baseline.stop()),
      () => director.stop(),
      () => pebble.stop(),
      async () => {
        if (values["director-log"] !== undefined) await writeFile(values["director-log"], director.output);
      },
      () => director.removeDockerObjects(),
      () => rm(director.dataDir, { recursive: true, force: true }),
    ]);
  }

  const summary = (mode: Mode) => {
    const plainRate = median(results[mode].plain);
    const cachedRate = median(results[mode].cached);
    const directorRate = median(results[mode].director);
    return {
      plainNginxRps: Math.round(plainRate),
      cachedPlainNginxRps: Math.round(cachedRate),
      directorRps: Math.round(directorRate),
      ratio: Number((directorRate / plainRate).toFixed(3)),
      ratioToCached: Number((directorRate / cachedRate).toFixed(3)),
    };
  };
  const report = {
    date: new Date().toISOString(),
    wrk: `-t2 -c64 -d${durationS}s over HTTPS (SNI = the domain), ${rounds} rounds each, medians`,
    addDomainToFirstHttps200Ms: {
      median: Math.round(median(firstServed.map((each) => each.firstHttps200Ms))),
      min: Math.round(Math.min(...firstServed.map((each) => each.firstHttps200Ms))),
      max: Math.round(Math.max(...firstServed.map((each) => each.firstHttps200Ms))),
      medianCertificateQueuedMs: Math.round(median(firstServed.map((each) => each.certificateQueuedMs))),
      medianCertificateEndedMs: Math.round(median(firstServed.map((each) => each.certificateEndedMs))),
      each: firstServed.map((each) => ({
        ...each,
        firstHttps200Ms: Math.round(each.firstHttps200Ms),
      })),
    },
    keepAlive: summary("keepAlive"),
    newConnectionPerRequest: summary("newConnection"),
    disturbances,
    raw: results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
