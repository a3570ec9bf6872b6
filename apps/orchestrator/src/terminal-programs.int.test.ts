/**
 * What `ssh host 'command'`, sftp and scp run through the terminal route, against the real Docker engine: a command
 * with its two streams apart, its input's end and its exit status, with and without a TTY, hung up with the caller;
 * and sftp-server alone in a container that holds nothing of the host but the site's directory.
 */
import { randomBytes, randomInt } from "node:crypto";
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import type { SiteId } from "@director/domain/site";
import { InternalClient } from "@director/http-kit/internal-client";
import { SftpTestClient, sftpOpenFlags, sftpStatus } from "@director/testing/sftp-test-client";
import { openTerminalTestClient, type TerminalTestClient } from "@director/testing/terminal-client";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerSiteSftp } from "./adapters/docker-site-sftp.js";
import { testSiteUser, waitFor } from "./adapters/docker-test-objects.js";
import { sftpSiteLabel } from "./adapters/sftp-container-spec.js";
import { ensureSftpImage } from "./adapters/sftp-image.js";
import { installationFilter } from "./adapters/swarm-service-spec.js";
import { terminalContainerNameOf } from "./adapters/terminal-container-spec.js";
import { startTerminalTestOrchestrator, type TerminalTestOrchestrator } from "./testing/terminal-test-orchestrator.js";
import { testToken } from "./testing/test-app.js";

const log = pino({ level: process.env.TEST_LOG ?? "silent" });
const docker = new Docker();
const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
const authorization = { authorization: `Bearer ${testToken}` };
let orchestrator: TerminalTestOrchestrator;
let hostDir: string;

beforeAll(async () => {
  orchestrator = await startTerminalTestOrchestrator(docker, log);
  hostDir = await mkdtemp(path.join(tmpdir(), "director-sftp-host-"));
});

afterAll(async () => {
  await orchestrator?.close();
  if (hostDir !== undefined) await rm(hostDir, { recursive: true, force: true });
});

const client = () => new InternalClient({ component: "orchestrator", baseUrl: orchestrator.baseUrl, token: testToken });
const siteDirectory = () => path.join(orchestrator.root, "sites", String(siteId));

/** A terminal socket running `program`, opened; `early` goes before the ready status (as a fast client sends it). */
async function openProgram(
  program: object,
  options: { hasTty?: boolean; early?: Array<Buffer | object> } = {},
): Promise<TerminalTestClient> {
  const terminal = await openTerminalTestClient(orchestrator.terminalUrl(siteId), authorization);
  terminal.control({
    type: "open",
    cols: 100,
    rows: 30,
    service: { limits: { memoryBytes: 64 * 1024 * 1024 } },
    program,
    hasTty: options.hasTty ?? false,
  });
  for (const message of options.early ?? []) {
    if (Buffer.isBuffer(message)) terminal.send(message);
    else terminal.control(message);
  }
  await terminal.waitForReady();
  return terminal;
}

const command = (text: string) => ({ kind: "command", command: text });
const exitOf = (terminal: TerminalTestClient) => terminal.messages().find((message) => message.type === "exit");

/** The processes of the site's terminal container. */
async function processesInEnvironment(): Promise<string> {
  const container = docker.getContainer(terminalContainerNameOf(orchestrator.installationId, siteId));
  const exec = await container.exec({ Cmd: ["ps", "-o", "pid,user,args"], AttachStdout: true, AttachStderr: true });
  const chunks: Buffer[] = [];
  for await (const chunk of await exec.start({})) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("latin1");
}

/** This installation's sftp containers, running or not. */
const sftpContainers = () =>
  docker.listContainers({
    all: true,
    filters: { label: [sftpSiteLabel, installationFilter(orchestrator.installationId)] },
  });

describe("a command through the terminal route", () => {
  it("sends stdout and stderr apart, then the exit status, and closes", async () => {
    const terminal = await openProgram(command("echo hi; echo err >&2; exit 3"));
    expect(await terminal.closed).toEqual({ code: 1000, reason: "exited" });
    const { stdout, stderr } = terminal.streams();
    expect(stdout.toString()).toBe("hi\n");
    expect(stderr.toString()).toBe("err\n");
    expect(exitOf(terminal)).toEqual({ type: "exit", code: 3 });
  });

  it("runs as the site's account in /site, and ends its input on eof", async () => {
    const terminal = await openProgram(command('id -u; pwd; printf "%s\\n" "$TERM"; wc -c'));
    const { uid } = testSiteUser(siteId);
    await terminal.waitFor(() => (terminal.streams().stdout.toString().includes("/site\n") ? true : undefined));
    terminal.send(Buffer.from("12345"));
    terminal.control({ type: "eof" });
    expect(await terminal.closed).toMatchObject({ code: 1000 });
    // No TERM without a terminal, as sshd.
    expect(
      terminal
        .streams()
        .stdout.toString()
        .split("\n")
        .map((line) => line.trim()),
    ).toEqual([String(uid), "/site", "", "5", ""]);
    expect(exitOf(terminal)).toEqual({ type: "exit", code: 0 });
  });

  it("may write in /run and /tmp, as the site's process keeps PID files and sockets there", async () => {
    const terminal = await openProgram(command("touch /run/site.pid /tmp/x && ls -ld /run | cut -c1-10"));
    expect(await terminal.closed).toMatchObject({ code: 1000 });
    expect(terminal.streams().stdout.toString()).toBe("drwxrwxrwt\n");
    expect(exitOf(terminal)).toEqual({ type: "exit", code: 0 });
  });

  it("takes input and eof sent before it is ready", async () => {
    const terminal = await openProgram(command("cat"), { early: [Buffer.from("early bytes"), { type: "eof" }] });
    expect(await terminal.closed).toMatchObject({ code: 1000 });
    expect(terminal.streams().stdout.toString()).toBe("early bytes");
  });

  it("runs with a TTY when asked: one stream, its size, resizable", async () => {
    const terminal = await openProgram(command("stty size; read line; stty size; tty"), { hasTty: true });
    await terminal.waitForOutput(/30 100/);
    terminal.control({ type: "resize", cols: 132, rows: 43 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    terminal.type("\n");
    expect(await terminal.closed).toMatchObject({ code: 1000 });
    expect(terminal.output()).toMatch(/30 100\r\n[\s\S]*43 132\r\n\/dev\/pts\/\d+/);
    expect(exitOf(terminal)).toEqual({ type: "exit", code: 0 });
  });

  it("hangs up the command and the processes it started when the caller goes", async () => {
    const marker = `sleep ${randomInt(100_000, 999_999)}`;
    // sh forks the sleep (a command follows it): the hang-up must reach the child, not only sh.
    const terminal = await openProgram(command(`${marker}; echo never`));
    await waitFor(processesInEnvironment, (processes) => processes.includes(marker), 5_000);
    terminal.close();
    await waitFor(processesInEnvironment, (processes) => !processes.includes(marker), 10_000);
    expect(terminal.streams().stdout.toString()).toBe("");
  });
});

describe("sftp through the terminal route", () => {
  let marker: string;
  let secret: string;

  beforeAll(async () => {
    secret = randomBytes(8).toString("hex");
    marker = path.join(hostDir, "marker.txt");
    await writeFile(marker, secret);
  });

  it("serves the site's directory as the site's account, and ends with its input", async () => {
    const terminal = await openProgram({ kind: "sftp" });
    const sftp = new SftpTestClient(terminal);
    expect(await sftp.init()).toBe(3);
    expect((await sftp.realpath(".")).path).toBe("/site");

    const opened = await sftp.open(
      "from-sftp.txt",
      sftpOpenFlags.write | sftpOpenFlags.create | sftpOpenFlags.truncate,
    );
    if (!("handle" in opened)) throw new Error(`open failed: ${JSON.stringify(opened)}`);
    expect(await sftp.write(opened.handle, Buffer.from("written through sftp\n"))).toBe(sftpStatus.ok);
    expect(await sftp.close(opened.handle)).toBe(sftpStatus.ok);
    const file = path.join(siteDirectory(), "from-sftp.txt");
    expect(await readFile(file, "utf8")).toBe("written through sftp\n");
    const { uid, gid } = testSiteUser(siteId);
    expect(await stat(file)).toMatchObject({ uid, gid });

    const readBack = await sftp.open("/site/from-sftp.txt", sftpOpenFlags.read);
    if (!("handle" in readBack)) throw new Error(`open failed: ${JSON.stringify(readBack)}`);
    expect(await sftp.readAll(readBack.handle)).toEqual({ data: Buffer.from("written through sftp\n") });
    await sftp.close(readBack.handle);

    terminal.control({ type: "eof" });
    expect(await terminal.closed).toEqual({ code: 1000, reason: "exited" });
    expect(exitOf(terminal)).toEqual({ type: "exit", code: 0 });
    await waitFor(sftpContainers, (containers) => containers.length === 0, 10_000);
  });

  it("reaches nothing of the host outside the site's directory", async () => {
    await symlink(marker, path.join(siteDirectory(), "to-host"));
    await symlink(hostDir, path.join(siteDirectory(), "to-host-dir"));
    const terminal = await openProgram({ kind: "sftp" });
    const sftp = new SftpTestClient(terminal);
    await sftp.init();
    const hostPaths = [
      "/etc/shadow",
      marker,
      `../../../../..${marker}`,
      "to-host",
      "to-host-dir/marker.txt",
      "/proc/1/root/etc/shadow",
    ];
    for (const hostPath of hostPaths) {
      expect({ hostPath, answer: await sftp.open(hostPath, sftpOpenFlags.read) }).toEqual({
        hostPath,
        answer: { status: expect.any(Number) },
      });
    }
    // Docker's own /etc/hostname is the container's name, not the host's.
    const named = await sftp.open("../../../etc/hostname", sftpOpenFlags.read);
    const hostnameContent = "handle" in named ? await sftp.readAll(named.handle) : named;
    expect(hostnameContent).not.toEqual({ data: Buffer.from(`${hostname()}\n`) });
    // Outside /site: the sftp image (the program, its libraries, empty directories) and what Docker mounts.
    const root = await sftp.list("/");
    expect("names" in root ? root.names.sort() : root).toEqual(
      expect.arrayContaining([".", "..", "etc", "site", "tmp", "usr"]),
    );
    const allowedAtRoot = [".", "..", ".dockerenv", "dev", "etc", "lib", "lib64", "proc", "site", "sys", "tmp", "usr"];
    expect("names" in root ? root.names.filter((name) => !allowedAtRoot.includes(name)) : root).toEqual([]);
    const etc = await sftp.list("/etc");
    // mtab: Docker's link to /proc/mounts.
    const allowedInEtc = [".", "..", "passwd", "hostname", "hosts", "resolv.conf", "mtab"];
    expect("names" in etc ? etc.names.filter((name) => !allowedInEtc.includes(name)) : etc).toEqual([]);
    // The site's own files are there.
    expect(await sftp.list("/site")).toEqual({ names: expect.arrayContaining(["from-sftp.txt", "to-host"]) });

    // The caller going ends the session and its container.
    terminal.close();
    await waitFor(sftpContainers, (containers) => containers.length === 0, 10_000);
  });

  it("ends with the site's files", async () => {
    const terminal = await openProgram({ kind: "sftp" });
    await new SftpTestClient(terminal).init();
    expect(await sftpContainers()).toHaveLength(1);
    await client().request(api.removeSiteDirectories, { params: { id: siteId } });
    await terminal.closed;
    expect(await sftpContainers()).toEqual([]);
  });

  it("says what to install when the host has no sftp-server", async () => {
    const sftp = new DockerSiteSftp(docker, {
      installationId: orchestrator.installationId,
      passwdDir: path.join(orchestrator.root, "orchestrator-state", "sftp-passwd"),
      log,
      image: () => ensureSftpImage(docker, { sftpServerPath: path.join(hostDir, "no-sftp-server") }),
    });
    const spec = {
      siteId,
      siteDirectory: siteDirectory(),
      user: testSiteUser(siteId),
      image: await orchestrator.baseImage(),
      isEnabled: true,
      limits: { cpus: 0.5, memoryBytes: 64 * 1024 * 1024, pidsLimit: 64 },
      env: {},
      networkName: orchestrator.networkName,
    };
    await expect(sftp.startSftp(spec)).rejects.toMatchObject({
      code: "TERMINAL_FAILED",
      message: expect.stringContaining("install openssh-sftp-server"),
    });
  });
});
