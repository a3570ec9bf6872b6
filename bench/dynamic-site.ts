/**
 * bench/dynamic-site: a dynamic site served by `director up`, in one run on this machine:
 *
 * 1. Time to live: from the create request to the first 200 through the router, and from a restart request to
 *    the first answer of the new process (the edit-and-restart loop), 5 times each, medians.
 * 2. Requests per second through the router (Host header, the router's edge listener on 127.0.0.1) against the same
 *    container reached directly at its task address, in alternating rounds, with two backends:
 *    - kaserve, a tiny epoll HTTP/1.1 server in C (below), compiled with `gcc -static` and uploaded into the site
 *      like any file: a backend that costs next to nothing per request, the worst case for the proxy's share;
 *    - Node.js (`node:http`, Debian's nodejs package in the site's own image, built by Director from the published
 *      Debian image with the package added): what a student's dynamic site typically runs.
 *    Each with the default site limits, then with the CPU limit lifted; kaserve also in the split topology (router
 *    and balancer as separate nginx processes).
 *
 *   node --import tsx bench/dynamic-site.ts [--duration-s 10] [--rounds 3] [--skip-node]
 *
 * Both backends keep connections alive: busybox httpd (the only server in the busybox base image) closes each one
 * and tops out near 3k requests/s (STACK.md), which would measure busybox, not the path. Needs gcc, wrk, nginx,
 * debootstrap and Docker in swarm mode, and Debian's mirror for the Node.js image. Load stays on this machine
 * (127.0.0.1 and the node-local address of the site's task), each wrk run bounded by --duration-s. Prints a JSON
 * report.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { runCommand } from "@director/host/run-command";
import { type HttpAnswer, httpRequest } from "@director/testing/http-request";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";

const { values } = parseArgs({
  options: {
    "duration-s": { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    "skip-node": { type: "boolean", default: false },
  },
});
const durationS = Number(values["duration-s"]);
const rounds = Number(values.rounds);
const iterations = 5; // time-to-live samples of each kind (the issue: median of 5)
const password = "benchmark password 1";
const body = `${"x".repeat(1000)}\n`.slice(0, 1024); // ~1 KB, as in bench/static-site and STACK.md
const livePollMs = 20; // how often the router is asked while waiting for the first 200: the figures' resolution
const liveTimeoutMs = 60_000;

/**
 * kaserve PORT FILE: answers every request with FILE (read once at start) over HTTP/1.1 keep-alive; closes only
 * on `Connection: close` or HTTP/1.0 without keep-alive. One thread, epoll, no allocation per request.
 */
const kaserveSource = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 65536
#define IN_SIZE 8192
struct conn { char in[IN_SIZE]; size_t used; char *out; size_t out_len, out_off; int closing; };
static struct conn *conns[MAX_FDS];
static char *response; static size_t response_len;

static void drop(int ep, int fd) {
  epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL); close(fd);
  if (conns[fd]) { free(conns[fd]->out); free(conns[fd]); conns[fd] = NULL; }
}
/* Writes what is pending: 0 when all is written, 1 when the socket is full, -1 on error. */
static int flush_out(struct conn *c, int fd) {
  while (c->out_off < c->out_len) {
    ssize_t n = write(fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : -1;
    c->out_off += (size_t)n;
  }
  c->out_len = c->out_off = 0;
  return 0;
}
static void queue(struct conn *c, const char *data, size_t len) {
  c->out = realloc(c->out, c->out_len + len);
  memcpy(c->out + c->out_len, data, len); c->out_len += len;
}
static void watch(int ep, int op, int fd, unsigned events) {
  struct epoll_event ev = { .events = events, .data.fd = fd };
  epoll_ctl(ep, op, fd, &ev);
}
int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: kaserve PORT FILE\n"); return 2; }
  signal(SIGPIPE, SIG_IGN);
  FILE *f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 1; }
  static char body[1 << 20]; size_t body_len = fread(body, 1, sizeof body, f); fclose(f);
  char head[256];
  int head_len = snprintf(head, sizeof head,
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\nConnection: keep-alive\r\n\r\n", body_len);
  response_len = (size_t)head_len + body_len; response = malloc(response_len);
  memcpy(response, head, (size_t)head_len); memcpy(response + head_len, body, body_len);

  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) || listen(lfd, 1024)) { perror("listen"); return 1; }
  int ep = epoll_create1(0);
  watch(ep, EPOLL_CTL_ADD, lfd, EPOLLIN);
  printf("kaserve: %zu bytes of %s on port %s, keep-alive\n", body_len, argv[2], argv[1]); fflush(stdout);
  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == lfd) {
        int cfd;
        while ((cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (cfd >= MAX_FDS) { close(cfd); continue; }
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conns[cfd] = calloc(1, sizeof(struct conn));
          watch(ep, EPOLL_CTL_ADD, cfd, EPOLLIN | EPOLLRDHUP);
        }
        continue;
      }
      struct conn *c = conns[fd];
      if (!c) continue;
      if (events[i].events & EPOLLOUT) {
        int r = flush_out(c, fd);
        if (r < 0 || (r == 0 && c->closing)) { drop(ep, fd); continue; }
        if (r == 0) watch(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLRDHUP);
        continue;
      }
      ssize_t got = read(fd, c->in + c->used, IN_SIZE - 1 - c->used);
      if (got == 0 || (got < 0 && errno != EAGAIN)) { drop(ep, fd); continue; }
      if (got < 0) continue;
      c->used += (size_t)got; c->in[c->used] = 0;
      char *start = c->in, *end;
      while ((end = strstr(start, "\r\n\r\n")) != NULL) {
        *end = 0;
        int is10 = strstr(start, "HTTP/1.0") != NULL;
        int keep = is10 ? strcasestr(start, "\nconnection: keep-alive") != NULL
                        : strcasestr(start, "\nconnection: close") == NULL;
        queue(c, response, response_len);
        start = end + 4;
        if (!keep) { c->closing = 1; break; }
      }
      size_t rest = c->closing ? 0 : c->used - (size_t)(start - c->in);
      memmove(c->in, start, rest); c->used = rest;
      if (c->used >= IN_SIZE - 1) { drop(ep, fd); continue; } /* a header past 8 KiB: not for this server */
      int r = flush_out(c, fd);
      if (r < 0 || (r == 0 && c->closing)) { drop(ep, fd); continue; }
      if (r == 1) watch(ep, EPOLL_CTL_MOD, fd, EPOLLOUT);
    }
  }
}
`;

/** The site's run.sh: the keep-alive server on $PORT, answering with public/index.html as it was at start. */
const runScript = '#!/bin/sh\necho "bench: starting kaserve"\nexec /site/kaserve "$PORT" /site/public/index.html\n';

/** The Node.js backend: the same page from memory, keep-alive (node:http's default), on $HOST:$PORT. */
const nodeServer = [
  'const body = require("node:fs").readFileSync("/site/public/index.html");',
  'require("node:http")',
  "  .createServer((request, response) => {",
  '    response.writeHead(200, { "content-type": "text/html", "content-length": body.length });',
  "    response.end(body);",
  "  })",
  "  .listen(Number(process.env.PORT), process.env.HOST);",
  "",
].join("\n");
const nodeRunScript = '#!/bin/sh\necho "bench: starting node"\nexec node /site/server.js\n';

/** The image sites pick to run Node.js: the published Debian base image with Debian's nodejs added per site. */
const debianImage = {
  name: "debian",
  friendlyName: "Debian 12",
  parentRef: "director/base-debian:bookworm",
  setupCommands: "apt-get update -qq",
  installCommandPrefix: "apt-get install -y -qq --no-install-recommends",
};

/** Compiles kaserve as a static binary: the busybox base image has no C library to link against. */
async function buildKaserve(): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), "kaserve-"));
  try {
    await writeFile(path.join(dir, "kaserve.c"), kaserveSource);
    const built = await runCommand(
      ["gcc", "-O2", "-s", "-static", "-o", path.join(dir, "kaserve"), path.join(dir, "kaserve.c")],
      { timeoutMs: 60_000 },
    ).catch((error: unknown) => {
      throw new Error("bench/dynamic-site needs gcc (apt-get install gcc libc6-dev) to build its backend", {
        cause: error,
      });
    });
    if (built.exitCode !== 0) throw new Error(`gcc failed:\n${built.stderr}`);
    return await readFile(path.join(dir, "kaserve"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round = (value: number, digits = 0) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Both targets must serve exactly the file before their speed means anything. */
async function assertServes(url: string, host: string, expected: string): Promise<void> {
  const answer = await httpRequest({ url, host });
  if (answer.status !== 200 || answer.text !== expected) {
    throw new Error(`${url} (Host ${host}) answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  }
}

/** One wrk run; throws a WrkErrors when any answer was not a 200 or a socket failed. */
async function wrk(url: string, host: string): Promise<number> {
  await assertServes(url, host, body);
  const { stdout, exitCode, stderr } = await runCommand(
    ["wrk", "-t2", "-c64", `-d${durationS}s`, "-H", `Host: ${host}`, url],
    { timeoutMs: (durationS + 30) * 1000 },
  );
  if (exitCode !== 0) throw new Error(`wrk failed: ${stderr}`);
  const match = /Requests\/sec:\s+([0-9.]+)/.exec(stdout);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  const socketErrors = /Socket errors:.*/.exec(stdout);
  if (!match) throw new Error(`no rate in wrk output:\n${stdout}`);
  if (non2xx) throw new WrkErrors(`wrk saw ${non2xx[1]} error answers from ${url} (${host})`);
  if (socketErrors) throw new WrkErrors(`wrk saw socket errors on ${url} (${host}): ${socketErrors[0]}`);
  return Number(match[1]);
}

class WrkErrors extends Error {}

async function docker(args: string[]): Promise<string> {
  const { stdout, stderr, exitCode } = await runCommand(["docker", ...args], { timeoutMs: 30_000 });
  if (exitCode !== 0) throw new Error(`docker ${args.join(" ")}: ${stderr}`);
  return stdout.trim();
}

/** The Swarm services of one installation (its id is in every service's labels). */
async function servicesOf(installationId: string): Promise<string[]> {
  const listed = await docker([
    "service",
    "ls",
    "--filter",
    `label=org.director.installation=${installationId}`,
    "--format",
    "{{.Name}}",
  ]);
  return listed.split("\n").filter(Boolean);
}

/** The running container of this installation's site: its address on the site network and its CPU limit. */
async function siteContainer(director: DirectorProcess, siteId: number) {
  const installationId = await director.installationId();
  const ids = await docker([
    "ps",
    "-q",
    "--filter",
    `label=org.director.site-id=${siteId}`,
    "--filter",
    `label=org.director.installation=${installationId}`,
  ]);
  const [id] = ids.split("\n").filter(Boolean);
  if (id === undefined) throw new Error(`no running container for site ${siteId} of installation ${installationId}`);
  const address = await docker(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id]);
  const nanoCpus = Number(await docker(["inspect", "-f", "{{.HostConfig.NanoCpus}}", id]));
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address)) throw new Error(`container ${id} has no single address: "${address}"`);
  return { id, address, cpus: nanoCpus / 1e9 };
}

/** One installation: `director up`, an administrator, and helpers for its sites. */
class Bench {
  private constructor(
    readonly director: DirectorProcess,
    readonly api: ApiSession,
    readonly kaserve: Buffer,
  ) {}

  static async start(env: NodeJS.ProcessEnv, kaserve: Buffer): Promise<Bench> {
    const director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: "warn", ...env });
    try {
      await director.start();
      await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
      return new Bench(director, await ApiSession.login(director.managerUrl, "bench", password), kaserve);
    } catch (error) {
      await director.stop();
      await rm(director.dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.director.stop();
    await rm(this.director.dataDir, { recursive: true, force: true });
  }

  host(site: string): string {
    return `${site}.sites.localhost:${this.director.ports.sites}`;
  }

  /** Uploads one file; while the site is still being set up (409 SITE_NOT_READY), tries again at once. */
  async put(site: string, file: string, content: Buffer | string, mode?: "755"): Promise<void> {
    const deadline = Date.now() + liveTimeoutMs;
    for (;;) {
      const answer = await this.api.request("PUT", `/api/sites/${site}/files/${file}${mode ? `?mode=${mode}` : ""}`, {
        body: content,
      });
      if (answer.status === 200) return;
      if (answer.status !== 409 || !answer.text.includes("SITE_NOT_READY") || Date.now() > deadline) {
        throw new Error(`PUT ${file} of ${site}: ${answer.status} ${answer.text}`);
      }
      await sleep(livePollMs);
    }
  }

  /** The backend, its page and run.sh: everything a dynamic site needs to answer. */
  async upload(site: string, page: string): Promise<void> {
    await this.put(site, "kaserve", this.kaserve, "755");
    await this.put(site, "public/index.html", page);
    await this.put(site, "run.sh", runScript, "755");
  }

  async restart(site: string, wait = false): Promise<void> {
    const answer = await this.whenNotBusy(() =>
      this.api.request("POST", `/api/sites/${site}/restart${wait ? "?wait=true" : ""}`),
    );
    if (answer.status !== (wait ? 200 : 202)) throw new Error(`restart ${site}: ${answer.status} ${answer.text}`);
  }

  /**
   * A restart answers once the new process runs, a moment after the page is served: the next change to the site
   * may find that operation still finishing (409 SITE_BUSY). Asks again until it is free.
   */
  async whenNotBusy(call: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const deadline = Date.now() + liveTimeoutMs;
    for (;;) {
      const answer = await call();
      if (answer.status !== 409 || !answer.text.includes("SITE_BUSY") || Date.now() > deadline) return answer;
      await sleep(livePollMs);
    }
  }

  /** Polls the router until the site answers 200 with `page`; resolves with the time it did (performance.now()). */
  async untilServes(site: string, page: string): Promise<number> {
    const deadline = Date.now() + liveTimeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      try {
        const answer = await httpRequest({ url: `${this.director.sitesUrl}/`, host: this.host(site) });
        if (answer.status === 200 && answer.text === page) return performance.now();
        last = `${answer.status} ${answer.text.slice(0, 120)}`;
      } catch (error) {
        last = String(error);
      }
      await sleep(livePollMs);
    }
    throw new Error(`${site} did not serve its page within ${liveTimeoutMs} ms; last answer: ${last}`);
  }

  async createSite(site: string): Promise<number> {
    const created = await this.api.request("POST", "/api/sites?wait=true", { json: { name: site, type: "dynamic" } });
    if (created.status !== 201) throw new Error(`create ${site}: ${created.status} ${created.text}`);
    return created.json().site.id;
  }

  /** After a failure: deletes the sites still there, so that their Swarm services go too (stopping leaves them). */
  async deleteLeftSites(): Promise<void> {
    const listed = await this.api.request("GET", "/api/sites?limit=200").catch(() => undefined);
    if (listed?.status !== 200) return;
    for (const site of listed.json().sites as Array<{ name: string }>) {
      await this.deleteSite(site.name).catch((error: unknown) => process.stderr.write(`${String(error)}\n`));
    }
  }

  async deleteSite(site: string): Promise<void> {
    const deleted = await this.whenNotBusy(() =>
      this.api.request("DELETE", `/api/sites/${site}?wait=true`, { json: { confirmName: site } }),
    );
    if (deleted.status !== 200) throw new Error(`delete ${site}: ${deleted.status} ${deleted.text}`);
  }

  /**
   * (a) create → first 200: the clock starts at the create request (no wait). A new site's first task starts
   * before run.sh exists and waits, so the client uploads kaserve, the page and run.sh as soon as the API accepts
   * files, asks for a restart, and polls the router until the page comes back.
   */
  async createToLive(site: string) {
    const page = `${site} is live\n`;
    const start = performance.now();
    const created = await this.api.request("POST", "/api/sites", { json: { name: site, type: "dynamic" } });
    if (created.status !== 202) throw new Error(`create ${site}: ${created.status} ${created.text}`);
    await this.upload(site, page);
    const uploaded = performance.now();
    await this.restart(site);
    const restartQueued = performance.now();
    const live = await this.untilServes(site, page);
    return { totalMs: live - start, filesAcceptedMs: uploaded - start, restartQueuedMs: restartQueued - start };
  }

  /** (b) restart → first 200 of the new process: edit the page (kaserve reads it at start), restart, poll. */
  async restartToLive(site: string, version: number): Promise<number> {
    const page = `${site} version ${version}\n`;
    await this.put(site, "public/index.html", page);
    const start = performance.now();
    await this.restart(site);
    return (await this.untilServes(site, page)) - start;
  }

  /**
   * wrk through the router and straight to the site's task, alternating which goes first each round. The task's
   * address is read again before every run (a task that moved would otherwise be measured at someone else's
   * address). A run that saw error answers is logged with the router's error log and measured once more: the
   * count of such repeats is in the report.
   */
  async throughput(site: string, siteId: number) {
    let siteCpus = 0;
    const targets = {
      router: () => wrk(`${this.director.sitesUrl}/`, this.host(site)),
      direct: async () => {
        const container = await siteContainer(this.director, siteId);
        siteCpus = container.cpus;
        return wrk(`http://${container.address}:8080/`, this.host(site));
      },
    };
    const rates = { router: [] as number[], direct: [] as number[] };
    const repeated: string[] = [];
    for (let index = 0; index < rounds; index++) {
      const order = index % 2 === 0 ? (["router", "direct"] as const) : (["direct", "router"] as const);
      for (const target of order) {
        try {
          rates[target].push(await targets[target]());
        } catch (error) {
          if (!(error instanceof WrkErrors) || repeated.length >= rounds) throw error;
          repeated.push(`${target}: ${error.message}`);
          process.stderr.write(
            `${error.message}; measuring again. Router's error log:\n${await this.errorLogTail()}\n`,
          );
          rates[target].push(await targets[target]());
        }
      }
    }
    const routerRps = median(rates.router);
    const directRps = median(rates.direct);
    return {
      siteCpus,
      routerRps: Math.round(routerRps),
      directRps: Math.round(directRps),
      ratio: round(routerRps / directRps, 3),
      raw: rates,
      repeated,
    };
  }

  async errorLogTail(): Promise<string> {
    const log = await readFile(path.join(this.director.dataDir, "nginx", "logs", "error.log"), "utf8").catch(() => "");
    return log.split("\n").slice(-6).join("\n");
  }

  /** A site serving the 1 KiB page from kaserve, for the throughput runs; resolves with its id. */
  async loadSite(site: string): Promise<number> {
    const siteId = await this.createSite(site);
    await this.upload(site, body);
    await this.restart(site, true);
    await this.untilServes(site, body);
    return siteId;
  }

  /**
   * A site serving the same page from Node.js, on its own image (the Debian image plus Debian's nodejs, built by
   * Director); makes the Debian base image and publishes the image first when this installation has not.
   */
  async loadNodeSite(site: string): Promise<{ siteId: number; imageBuildMs: number }> {
    const made = await this.director.run(["images", "make-base", "debian"]);
    if (made.code !== 0) throw new Error(`director images make-base debian: ${made.stderr}`);
    const published = await this.api.request("POST", "/api/images", { json: debianImage });
    if (published.status !== 201 && !published.text.includes("IMAGE_NAME_TAKEN")) {
      throw new Error(`publish the Debian image: ${published.status} ${published.text}`);
    }
    const siteId = await this.createSite(site);
    const start = performance.now();
    const changed = await this.api.request("PUT", `/api/sites/${site}/image`, {
      json: { image: debianImage.name, packages: ["nodejs"] },
    });
    if (changed.status !== 202) throw new Error(`image of ${site}: ${changed.status} ${changed.text}`);
    const operation = await this.api.waitForOperation(changed.json().operation.id, 15 * 60_000);
    if (operation.status !== "succeeded") throw new Error(`image of ${site}: ${JSON.stringify(operation.error)}`);
    const imageBuildMs = performance.now() - start;
    await this.put(site, "public/index.html", body);
    await this.put(site, "server.js", nodeServer);
    await this.put(site, "run.sh", nodeRunScript, "755");
    await this.restart(site, true);
    await this.untilServes(site, body);
    return { siteId, imageBuildMs };
  }
}

/** Other Director installations' services on this engine: their load would skew the figures. */
async function otherDirectorServices(): Promise<string[]> {
  const listed = await docker([
    "service",
    "ls",
    "--filter",
    "label=org.director.managed=true",
    "--format",
    "{{.Name}}",
  ]);
  return listed.split("\n").filter(Boolean);
}

async function main() {
  const others = await otherDirectorServices();
  if (others.length > 0) {
    process.stderr.write(
      `other Director services run on this engine (${others.join(", ")}): the figures may be skewed\n`,
    );
  }
  const kaserve = await buildKaserve();
  const cores = availableParallelism();
  const lifted = { DIRECTOR_SITE_CPUS: String(cores) };
  const phases = [
    { name: "shared", env: {}, timeToLive: true, node: true },
    { name: "shared, CPU limit lifted", env: lifted, timeToLive: false, node: true },
    { name: "split, CPU limit lifted", env: { DIRECTOR_TOPOLOGY: "split", ...lifted }, timeToLive: false, node: false },
  ];
  const createToLive: Array<{ totalMs: number; filesAcceptedMs: number; restartQueuedMs: number }> = [];
  const restartToLive: number[] = [];
  const throughput: Record<string, Awaited<ReturnType<Bench["throughput"]>>> = {};
  const imageBuildMs: number[] = [];
  const failures: string[] = [];
  const left: string[] = [];
  for (const phase of phases) {
    const bench = await Bench.start(phase.env, kaserve);
    try {
      if (phase.timeToLive) {
        for (let index = 1; index <= iterations; index++) {
          const site = `live${index}`;
          createToLive.push(await bench.createToLive(site));
          await bench.deleteSite(site);
        }
        await bench.loadSite("edit");
        for (let version = 1; version <= iterations; version++) {
          restartToLive.push(await bench.restartToLive("edit", version));
        }
        await bench.deleteSite("edit");
      }
      const siteId = await bench.loadSite("load");
      throughput[`kaserve, ${phase.name}`] = await bench.throughput("load", siteId);
      await bench.deleteSite("load");
      if (phase.node && !values["skip-node"]) {
        const node = await bench.loadNodeSite("nodeload");
        imageBuildMs.push(round(node.imageBuildMs));
        throughput[`node, ${phase.name}`] = await bench.throughput("nodeload", node.siteId);
        await bench.deleteSite("nodeload");
      }
    } catch (error) {
      // Keep what the other phases measured: a phase that failed is reported with its error, and the run fails.
      failures.push(`${phase.name}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await bench.deleteLeftSites();
      const installationId = await bench.director.installationId();
      await bench.stop();
      if (installationId !== null) left.push(...(await servicesOf(installationId)));
      await bench.director.removeDockerObjects();
    }
  }
  const report = {
    date: new Date().toISOString(),
    cores,
    backends: {
      kaserve: "epoll, HTTP/1.1 keep-alive, static binary uploaded into the site (busybox image)",
      node: "node:http keep-alive, Debian's nodejs in the site's own image",
    },
    timeToLive: {
      createToFirst200Ms: round(median(createToLive.map((sample) => sample.totalMs))),
      createToFilesAcceptedMs: round(median(createToLive.map((sample) => sample.filesAcceptedMs))),
      createToRestartQueuedMs: round(median(createToLive.map((sample) => sample.restartQueuedMs))),
      restartToFirst200Ms: round(median(restartToLive)),
      pollEveryMs: livePollMs,
      raw: {
        createToLive: createToLive.map((sample) => ({
          totalMs: round(sample.totalMs),
          filesAcceptedMs: round(sample.filesAcceptedMs),
          restartQueuedMs: round(sample.restartQueuedMs),
        })),
        restartToLiveMs: restartToLive.map((ms) => round(ms)),
      },
    },
    nodeImageBuildMs: imageBuildMs,
    wrk: `-t2 -c64 -d${durationS}s, ${rounds} rounds each, alternating, medians`,
    throughput,
    directorServicesLeft: left,
    failures,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (failures.length > 0) throw new Error(`phases failed:\n${failures.join("\n")}`);
  if (left.length > 0) throw new Error(`Director services left behind: ${left.join(", ")}`);
}

await main();
