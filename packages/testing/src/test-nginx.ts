import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "@director/host/logger";
import { NginxServer } from "@director/host/nginx-server";
import { trafficLogLayout } from "@director/host/nginx-traffic-log";
import { freePort } from "./free-port.js";

/** A real nginx in a new temporary directory, with one include directory per name, for integration tests. */
export interface TestNginx {
  /** the temporary directory (world-traversable: nginx workers run unprivileged) */
  root: string;
  server: NginxServer;
  /** a free loopback port for the tests' server blocks to listen on */
  port: number;
  /** the absolute include directory of each name given */
  confDirs: Record<string, string>;
}

/** Starts nginx with `includeDirs` under `<root>/nginx/<name>`; the caller stops it and removes `root`. */
export async function startTestNginx(options: {
  prefix: string;
  includeDirNames: readonly string[];
  log: Logger;
  /** nginx logs every request to the traffic log under its prefix (trafficLogLayout) */
  hasTrafficLog?: boolean;
}): Promise<TestNginx> {
  const root = await mkdtemp(path.join(tmpdir(), options.prefix));
  await chmod(root, 0o755); // nginx workers run as an unprivileged user and must reach the site files
  const port = await freePort();
  const confDirs = Object.fromEntries(options.includeDirNames.map((name) => [name, path.join(root, "nginx", name)]));
  const server = new NginxServer({
    prefixDir: path.join(root, "nginx"),
    includeDirs: Object.values(confDirs),
    workerProcesses: 1,
    ...(options.hasTrafficLog ? { trafficLogPath: trafficLogLayout(path.join(root, "nginx")).livePath } : {}),
    log: options.log,
  });
  await server.start();
  return { root, server, port, confDirs };
}
