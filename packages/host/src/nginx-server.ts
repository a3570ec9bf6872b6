import { type ChildProcess, spawn } from "node:child_process";
import { access, chmod, chown, mkdir, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DirectorError } from "@director/domain/errors";
import { Mutex } from "async-mutex";
import { writeFileAtomic } from "./atomic-write.js";
import { CoalescedTask } from "./coalesced-task.js";
import {
  filterAlive,
  isProcessAlive,
  listChildPids,
  readProcessCommandLine,
  signalProcess,
  waitForProcessesExit,
} from "./linux-processes.js";
import type { Logger } from "./logger.js";
import { type NginxLayout, nginxLayout, nginxTempDirNames, renderMainConfig } from "./nginx-main-config.js";
import { renderMimeTypes } from "./nginx-mime-types.js";
import { extractNginxErrors, readFileTail, readPidFile } from "./nginx-output.js";
import { waitForReloadToTakeEffect } from "./nginx-reload-watch.js";
import { resolveNginxWorkerUser } from "./nginx-worker-user.js";
import { runCommand } from "./run-command.js";
import type { SystemUser } from "./system-user.js";

/** How to run one nginx master for a private prefix directory. */
export interface NginxServerOptions {
  /**
   * Private directory for nginx.conf, mime.types, logs/ (pid, error log) and tmp/. When running as root,
   * the worker user must be able to traverse to it: workers buffer large request bodies in tmp/.
   */
  prefixDir: string;
  /** Absolute directories whose `*.conf` files are included inside `http {}`, in order. */
  includeDirs: string[];
  /** Workers' account, used only when running as root. Default "www-data" if it exists, else "nobody". */
  workerUser?: string;
  /** Default "auto" (one worker per CPU). */
  workerProcesses?: number | "auto";
  /** Proxies in front whose X-Forwarded-For names the client (see MainConfigOptions.realIpFrom). Default none. */
  realIpFrom?: readonly string[];
  /**
   * The traffic log's file (nginx-traffic-log.ts), for the balancer. Its directory is made root's, searchable by the
   * workers' group, which reopens the file there after a rotation. Default: no per-request log.
   */
  trafficLogPath?: string;
  /** Default "/usr/sbin/nginx" if it exists, else "nginx" from PATH. */
  nginxBinary?: string;
  log: Logger;
  /** Bound on start-up, on a reload's wait for old workers, and on a graceful stop. Default 10 s each. */
  startTimeoutMs?: number;
  reloadTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Bound on one `nginx -t`; parsing 10,000 site files takes a while. Default 60 s. */
  testTimeoutMs?: number;
  /** Told how each reload went and how long it took (the component's metrics). */
  onReload?: (outcome: "ok" | "failed", durationSeconds: number) => void;
}

interface RunningMaster {
  process: ChildProcess;
  pid: number;
  isStopping: boolean;
  stderrTail: string;
  exited: Promise<void>;
}

const pollIntervalMs = 20;
const stderrTailBytes = 4096;

/** Owns one nginx master process (run as our child, `daemon off`) and its main configuration. */
export class NginxServer {
  // One start or reload at a time: a reload must never see a half-started master, nor two reloads overlap.
  readonly #lifecycle = new Mutex();
  readonly #options: NginxServerOptions;
  readonly #layout: NginxLayout;
  readonly #log: Logger;
  #binary: string | null = null;
  #workerUser: SystemUser | null | undefined;
  #master: RunningMaster | null = null;
  /** Reloads one at a time; everyone who asks before a reload begins shares it. */
  readonly #reloads = new CoalescedTask(() => this.#lifecycle.runExclusive(() => this.#timedReload()));
  #checkCount = 0;
  #stopping: Promise<void> | null = null;

  constructor(options: NginxServerOptions) {
    this.#options = options;
    this.#layout = nginxLayout(options.prefixDir);
    this.#log = options.log;
  }

  /** The master's pid while it runs, else null. */
  get pid(): number | null {
    return this.#master?.pid ?? null;
  }

  /** Resolves while the master runs; throws saying so when it is not running or has died (a readiness check). */
  async assertRunning(): Promise<void> {
    const pid = this.pid;
    if (pid === null) throw new Error("nginx is not running");
    try {
      process.kill(pid, 0);
    } catch {
      throw new Error(`nginx (pid ${pid}) has stopped`);
    }
  }

  /** Writes the main config, checks it, replaces a stale master of this prefix, and resolves once nginx serves. */
  start(): Promise<void> {
    return this.#lifecycle.runExclusive(() => this.#startMaster());
  }

  async #startMaster(): Promise<void> {
    if (this.#master !== null) return;
    const binary = await this.#resolveBinary();
    const workerUser = await resolveNginxWorkerUser(this.#options.workerUser);
    this.#workerUser = workerUser;
    await this.#prepareDirectories(workerUser);
    await writeFileAtomic(this.#layout.mimeTypesPath, renderMimeTypes());
    await writeFileAtomic(this.#layout.configPath, this.#mainConfig({ includeDirs: this.#options.includeDirs }));
    await this.test();
    // Only after the new config passed: a bad config must not take down a master that still serves.
    await this.#stopStaleMaster();
    const master = this.#spawnMaster(binary);
    try {
      await this.#waitUntilServing(master);
    } catch (error) {
      master.isStopping = true;
      await this.#shutDown(master.pid);
      await master.exited;
      throw error;
    }
    this.#log.info({ pid: master.pid, prefixDir: this.#options.prefixDir }, "nginx started");
  }

  /**
   * Runs `nginx -t` on the whole configuration as it is now (every include directory): its cost grows with the
   * number of files. Throws NGINX_CONFIG_REJECTED with nginx's error lines.
   */
  test(): Promise<void> {
    return this.#runCheck(this.#layout.configPath);
  }

  /**
   * Runs `nginx -t` on the main configuration with only `files` included (none of the include directories), so a
   * change of one site is checked at the cost of one file, whatever the number of sites. What only the whole can
   * show (two files claiming one upstream name, a port another program holds) is left to the reload, which the
   * running master refuses and the caller rolls back. Throws NGINX_CONFIG_REJECTED as `test()` does.
   */
  async testFiles(files: readonly string[]): Promise<void> {
    const checkPath = join(this.#layout.prefixDir, `check-${process.pid}-${++this.#checkCount}.conf`);
    await writeFileAtomic(checkPath, this.#mainConfig({ includeDirs: [], includeFiles: files }));
    try {
      await this.#runCheck(checkPath);
    } finally {
      await rm(checkPath, { force: true });
    }
  }

  #mainConfig(includes: { includeDirs: readonly string[]; includeFiles?: readonly string[] }): string {
    const workerUser = this.#workerUser ?? null;
    return renderMainConfig({
      prefixDir: this.#options.prefixDir,
      ...includes,
      workerUser: workerUser === null ? null : { name: workerUser.name, groupName: workerUser.groupName },
      workerProcesses: this.#options.workerProcesses ?? "auto",
      ...(this.#options.realIpFrom ? { realIpFrom: this.#options.realIpFrom } : {}),
      ...(this.#options.trafficLogPath === undefined ? {} : { trafficLogPath: this.#options.trafficLogPath }),
    });
  }

  async #runCheck(configPath: string): Promise<void> {
    const binary = await this.#resolveBinary();
    // `-e stderr`: the check's own errors go to us, not into the running server's error log.
    const argv: [string, ...string[]] = [
      binary,
      "-t",
      "-q",
      "-p",
      this.#options.prefixDir,
      "-c",
      configPath,
      "-e",
      "stderr",
    ];
    const { exitCode, stderr } = await runCommand(argv, {
      timeoutMs: this.#options.testTimeoutMs ?? 60_000,
    }).catch((error: unknown) => {
      throw new DirectorError("COMPONENT_UNREACHABLE", `Could not check the nginx configuration: ${String(error)}`, {
        cause: error,
      });
    });
    if (exitCode === 0) return;
    const nginxError = extractNginxErrors(stderr) ?? stderr.trim();
    throw new DirectorError("NGINX_CONFIG_REJECTED", `nginx rejected the configuration: ${nginxError}`, {
      details: { nginxError, stderr },
    });
  }

  /**
   * Sends SIGHUP and resolves once new connections get the new configuration; one reload at a time. Callers that
   * ask while a reload runs share the next one (it reads every file as it is when it begins), so many changes made
   * at once cost one reload, not one each.
   */
  reload(): Promise<void> {
    return this.#reloads.run();
  }

  async #timedReload(): Promise<void> {
    const started = performance.now();
    const report = (outcome: "ok" | "failed") =>
      this.#options.onReload?.(outcome, (performance.now() - started) / 1000);
    try {
      await this.#reloadNow();
      report("ok");
    } catch (error) {
      report("failed");
      throw error;
    }
  }

  async #reloadNow(): Promise<void> {
    const pid = this.pid;
    if (pid === null || !(await isProcessAlive(pid))) {
      throw new DirectorError("NGINX_RELOAD_FAILED", "nginx is not running, so it cannot reload its configuration.");
    }
    const timeoutMs = this.#options.reloadTimeoutMs ?? 10_000;
    const isDone = await waitForReloadToTakeEffect({
      masterPid: pid,
      errorLogPath: this.#layout.errorLogPath,
      timeoutMs,
      sendSignal: () => signalProcess(pid, "SIGHUP"),
    });
    if (!isDone) {
      this.#log.warn({ pid, timeoutMs }, "nginx workers from before the reload are still running; continuing");
    }
  }

  /**
   * SIGUSR1: nginx reopens its log files by their paths (a rotated file keeps only what workers flush from their
   * buffers within the flush time). Resolves once the signal is sent; NGINX_RELOAD_FAILED when nginx is not running.
   */
  async reopenLogs(): Promise<void> {
    const pid = this.pid;
    if (pid === null || !(await isProcessAlive(pid))) {
      throw new DirectorError("NGINX_RELOAD_FAILED", "nginx is not running, so it cannot reopen its log files.");
    }
    signalProcess(pid, "SIGUSR1");
  }

  /** SIGQUIT (graceful), then SIGKILL for the master and its workers after the stop timeout. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopMaster().finally(() => {
      this.#stopping = null;
    });
    return this.#stopping;
  }

  async #stopMaster(): Promise<void> {
    const master = this.#master;
    if (master === null) return;
    master.isStopping = true;
    await this.#shutDown(master.pid);
    await master.exited;
    this.#log.info({ pid: master.pid }, "nginx stopped");
  }

  async #shutDown(masterPid: number): Promise<void> {
    const workers = await listChildPids(masterPid);
    signalProcess(masterPid, "SIGQUIT");
    const stopTimeoutMs = this.#options.stopTimeoutMs ?? 10_000;
    if (await waitForProcessesExit([masterPid], stopTimeoutMs)) return;
    this.#log.warn({ pid: masterPid, stopTimeoutMs }, "nginx did not stop gracefully in time; killing it");
    // Workers do not notice their master's death, so they are killed too; the pid list comes from the
    // master's children and each is re-checked to still be an nginx process (pids get reused).
    const allWorkers = [...new Set([...workers, ...(await listChildPids(masterPid))])];
    signalProcess(masterPid, "SIGKILL");
    for (const pid of await filterAlive(allWorkers)) {
      if ((await readProcessCommandLine(pid))?.startsWith("nginx:")) signalProcess(pid, "SIGKILL");
    }
    await waitForProcessesExit([masterPid, ...allWorkers], stopTimeoutMs);
  }

  /** An nginx of this prefix left by an earlier run (a crash, a killed Director) would hold our ports. */
  async #stopStaleMaster(): Promise<void> {
    const pid = await readPidFile(this.#layout.pidPath);
    if (pid === null || pid === this.pid) return;
    const commandLine = await readProcessCommandLine(pid);
    const isOurs = commandLine?.startsWith("nginx: master process") && commandLine.includes(this.#layout.configPath);
    if (!isOurs || !(await isProcessAlive(pid))) return;
    this.#log.warn({ pid, prefixDir: this.#options.prefixDir }, "stopping an nginx master left by an earlier run");
    await this.#shutDown(pid);
  }

  #spawnMaster(binary: string): RunningMaster {
    const { prefixDir } = this.#options;
    const child = spawn(binary, ["-p", prefixDir, "-c", this.#layout.configPath, "-e", this.#layout.errorLogPath], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.on("error", (error) => this.#log.error({ err: error, binary }, "nginx master process error"));
    if (child.pid === undefined) {
      // spawn() reports ENOENT/EACCES through the 'error' event (logged above) and leaves pid unset.
      throw new DirectorError("COMPONENT_UNREACHABLE", `Could not start ${binary}.`);
    }
    let markExited = (): void => undefined;
    const master: RunningMaster = {
      process: child,
      pid: child.pid,
      isStopping: false,
      stderrTail: "",
      exited: new Promise((resolve) => {
        markExited = resolve;
      }),
    };
    child.stderr?.on("data", (chunk: Buffer) => {
      master.stderrTail = (master.stderrTail + chunk.toString("utf8")).slice(-stderrTailBytes);
    });
    child.on("exit", (exitCode, signal) => {
      if (this.#master === master) this.#master = null;
      markExited();
      if (master.isStopping) return;
      void readFileTail(this.#layout.errorLogPath).then((errorLogTail) =>
        this.#log.error(
          { pid: master.pid, exitCode, signal, stderrTail: master.stderrTail, errorLogTail },
          "nginx master exited unexpectedly",
        ),
      );
    });
    this.#master = master;
    return master;
  }

  /** Ready means: our pid in the pid file, and all workers forked (so a reload can tell old workers from new). */
  async #waitUntilServing(master: RunningMaster): Promise<void> {
    const timeoutMs = this.#options.startTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const workerProcesses = this.#options.workerProcesses ?? "auto";
    const expectedWorkers = workerProcesses === "auto" ? availableParallelism() : workerProcesses;
    let lastCount = -1;
    let lastChangeAt = Date.now();
    while (Date.now() < deadline) {
      if (master.process.exitCode !== null || master.process.signalCode !== null || this.#master !== master) {
        throw new DirectorError("NGINX_CONFIG_REJECTED", `nginx exited during start-up: ${master.stderrTail.trim()}`, {
          details: { stderr: master.stderrTail },
        });
      }
      if ((await readPidFile(this.#layout.pidPath)) === master.pid && (await isProcessAlive(master.pid))) {
        const count = (await listChildPids(master.pid)).length;
        if (count !== lastCount) [lastCount, lastChangeAt] = [count, Date.now()];
        // "auto" may count CPUs differently from Node, so a stable non-zero count also means ready.
        if (count >= expectedWorkers || (count > 0 && Date.now() - lastChangeAt >= 200)) return;
      }
      await sleep(pollIntervalMs);
    }
    throw new DirectorError("COMPONENT_UNREACHABLE", `nginx did not come up within ${timeoutMs} ms.`, {
      details: { stderr: master.stderrTail },
    });
  }

  async #resolveBinary(): Promise<string> {
    if (this.#binary !== null) return this.#binary;
    const preferred = "/usr/sbin/nginx";
    this.#binary = this.#options.nginxBinary ?? ((await exists(preferred)) ? preferred : "nginx");
    return this.#binary;
  }

  async #prepareDirectories(workerUser: SystemUser | null): Promise<void> {
    await mkdir(this.#layout.logsDir, { recursive: true });
    await mkdir(this.#layout.tempRootDir, { recursive: true });
    for (const name of nginxTempDirNames) {
      const dir = this.#layout.tempDirs[name];
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // Workers write request bodies and upstream buffers here.
      if (workerUser !== null) await chown(dir, workerUser.uid, workerUser.gid);
    }
    for (const dir of this.#options.includeDirs) await mkdir(dir, { recursive: true });
    const { trafficLogPath } = this.#options;
    if (trafficLogPath !== undefined) {
      const dir = dirname(trafficLogPath);
      await mkdir(dir, { recursive: true, mode: 0o710 });
      if (workerUser !== null) await chown(dir, 0, workerUser.gid);
      await chmod(dir, 0o710);
    }
  }
}

/** True when `path` can be reached; any failure (missing, not permitted) means "use the fallback". */
async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
