/**
 * The orchestrator's composition root: config → adapters → HTTP app. Nothing else wires.
 * `createOrchestrator` takes the balancer's nginx files from the caller, because under `director up` one nginx is
 * shared with the router; `runOrchestrator` is the standalone process with an nginx of its own.
 */
import path from "node:path";
import { parseListenAddress } from "@director/domain/listen-address";
import type { ConfigFiles } from "@director/host/config-files";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { NginxServer } from "@director/host/nginx-server";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { NginxBalancerConfig } from "./adapters/balancer-config.js";
import { FsSiteDirectories } from "./adapters/site-directories.js";
import { FsSiteFiles } from "./adapters/site-files.js";
import type { OrchestratorConfig } from "./config.js";
import { buildOrchestratorApp } from "./http/app.js";

/** A built orchestrator: its HTTP app (for inject), and start/stop of its listener. */
export interface OrchestratorHandle {
  app: FastifyInstance;
  /** Prepares the sites directory, listens, and resolves to the API's base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Builds the orchestrator on the given balancer config directory; the sites directory is prepared when the app is ready. */
export function createOrchestrator(
  config: OrchestratorConfig,
  deps: { balancerFiles: ConfigFiles; log: Logger },
): OrchestratorHandle {
  const log = deps.log.child({ component: "orchestrator" });
  const directories = new FsSiteDirectories(config.sites.dir);
  const balancer = new NginxBalancerConfig({
    files: deps.balancerFiles,
    directories,
    env: {
      listen: config.balancer.listen,
      sitesDomain: config.sites.domain,
      defaultClientBodyLimitBytes: config.sites.defaultClientBodyLimitBytes,
    },
  });
  const app = buildOrchestratorApp({
    log,
    token: config.token,
    directories,
    balancer,
    files: new FsSiteFiles(directories),
    maxFileBytes: config.files.maxFileBytes,
  });
  // onReady runs before the first request, whether the app listens or is driven by inject.
  app.addHook("onReady", async () => {
    await directories.prepare();
  });
  return {
    app,
    listen: () => app.listen({ host: config.http.host, port: config.http.port }),
    close: () => app.close(),
  };
}

/** A running standalone orchestrator: its API URL and how to stop it and its nginx. */
export interface RunningOrchestrator {
  url: string;
  close(): Promise<void>;
}

/**
 * Runs the orchestrator as its own process with its own balancer nginx (the split topology): site server blocks
 * in `<nginxDir>/sites`, plus a default server so that a request for an unknown host gets 404, not some site.
 */
export async function runOrchestrator(config: OrchestratorConfig, log: Logger): Promise<RunningOrchestrator> {
  const nginxLog = log.child({ component: "balancer-nginx" });
  const defaultDir = path.join(config.balancer.nginxDir, "default");
  const sitesDir = path.join(config.balancer.nginxDir, "sites");
  const server = new NginxServer({
    prefixDir: config.balancer.nginxDir,
    includeDirs: [defaultDir, sitesDir],
    log: nginxLog,
  });
  await server.start();
  try {
    const listen = parseListenAddress(config.balancer.listen);
    await new NginxConfigStore(defaultDir, server, nginxLog).put(
      parseNginxConfigFileName("00-default.conf"),
      `server {\n    listen ${listen} default_server;\n    return 404;\n}\n`,
    );
    const orchestrator = createOrchestrator(config, {
      balancerFiles: new NginxConfigStore(sitesDir, server, nginxLog),
      log,
    });
    const url = await orchestrator.listen();
    log.info({ url }, "orchestrator listening");
    return {
      url,
      close: async () => {
        await orchestrator.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
