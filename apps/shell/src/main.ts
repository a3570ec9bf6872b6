/**
 * The shell server's composition root: config → host keys → the manager's API → the SSH server. `createShell` is what
 * `director up` runs in its process; `runShell` is `director shell`, the standalone process.
 */
import { componentMetricsOf } from "@director/http-kit/component-metrics";
import { InternalClient } from "@director/http-kit/internal-client";
import { buildProbeApp } from "@director/http-kit/probe-app";
import type { Logger } from "pino";
import { type HostKey, loadOrCreateHostKeys } from "./adapters/host-key-files.js";
import { ManagerShellApi, type ShellManager } from "./adapters/manager-shell-api.js";
import type { ShellConfig } from "./config.js";
import { ShellMetrics, shellReadiness } from "./probes/shell-probes.js";
import { SshServer } from "./ssh/ssh-server.js";

export interface ShellHandle {
  hostKeys: HostKey[];
  /** Listens and resolves to the port; the host keys are reported to the manager in the background. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** How often a report of the host keys is tried again while the manager does not answer. */
const reportRetryMs = 5_000;

export async function createShell(
  config: ShellConfig,
  deps: { log: Logger; manager?: ShellManager; publicHost?: string },
): Promise<ShellHandle> {
  const log = deps.log.child({ component: "shell" });
  const hostKeys = await loadOrCreateHostKeys(config.hostKeysDir);
  const manager =
    deps.manager ??
    new ManagerShellApi(
      new InternalClient({ component: "manager", baseUrl: config.manager.url, token: config.manager.token }),
    );
  let port = config.listen.port;
  const host = deps.publicHost ?? "HOST";
  const metrics = componentMetricsOf("shell", config.metricsToken);
  const observer = metrics === undefined ? undefined : new ShellMetrics(metrics);
  const ssh = new SshServer({
    hostKeys: hostKeys.map((key) => key.privateKey),
    manager,
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    loginTimeoutMs: config.loginTimeoutMs,
    failureDelayMs: config.failureDelayMs,
    siteHint: (username) => `-p ${port} ${username}+SITE@${host}`,
    log,
    ...(observer === undefined ? {} : { observer }),
  });
  observer?.watch(ssh);
  const probes =
    config.probe.port === undefined
      ? null
      : buildProbeApp({
          component: "shell",
          readiness: shellReadiness(ssh, config.manager.url),
          log: log.child({ component: "probes" }),
          ...(metrics === undefined || config.metricsToken === undefined
            ? {}
            : { metrics: { metrics, token: config.metricsToken } }),
        });
  let reportTimer: NodeJS.Timeout | null = null;
  let isClosed = false;
  const report = async () => {
    try {
      await manager.reportHostKeys(
        hostKeys.map(({ algorithm, fingerprint }) => ({ algorithm, fingerprint })),
        port,
      );
      log.info({ port, hostKeys: hostKeys.map((key) => key.fingerprint) }, "shell server reported to the manager");
    } catch (error) {
      log.warn({ err: error }, "the manager did not take the shell server's host keys; trying again");
      if (!isClosed) reportTimer = setTimeout(() => void report(), reportRetryMs);
    }
  };
  return {
    hostKeys,
    listen: async () => {
      port = await ssh.listen(config.listen.host, config.listen.port);
      log.info({ host: config.listen.host, port }, "shell server listening");
      if (probes !== null && config.probe.port !== undefined) {
        const probeUrl = await probes.listen({ host: config.probe.host, port: config.probe.port });
        log.info({ url: probeUrl }, "shell server probes listening");
      }
      void report();
      return port;
    },
    close: async () => {
      isClosed = true;
      if (reportTimer !== null) clearTimeout(reportTimer);
      await probes?.close();
      await ssh.close();
    },
  };
}

/** `director shell`: the shell server as its own process. */
export async function runShell(config: ShellConfig, log: Logger): Promise<ShellHandle> {
  const shell = await createShell(config, { log });
  await shell.listen();
  return shell;
}
