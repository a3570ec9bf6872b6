/**
 * `director orchestrator`: the orchestrator as its own process with its own balancer nginx (the split topology).
 * `createOrchestrator` (main.ts) is what it and `director up` build on.
 */
import path from "node:path";
import { parseListenAddress } from "@director/domain/listen-address";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { NginxServer } from "@director/host/nginx-server";
import { trafficLogLayout } from "@director/host/nginx-traffic-log";
import { componentMetricsOf, nginxReloadsCountedIn } from "@director/http-kit/component-metrics";
import type { Logger } from "pino";
import type { OrchestratorConfig } from "./config.js";
import { connectDocker } from "./connect-docker.js";
import { createOrchestrator } from "./main.js";

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
  const metrics = componentMetricsOf("orchestrator", config.metricsToken);
  const server = new NginxServer({
    prefixDir: config.balancer.nginxDir,
    ...nginxReloadsCountedIn(metrics),
    includeDirs: [defaultDir, sitesDir],
    realIpFrom: config.balancer.trustedProxies,
    ...(config.balancer.trafficLog ? { trafficLogPath: trafficLogLayout(config.balancer.nginxDir).livePath } : {}),
    log: nginxLog,
  });
  await server.start();
  try {
    const listen = parseListenAddress(config.balancer.listen);
    await new NginxConfigStore(defaultDir, server, nginxLog).put(
      parseNginxConfigFileName("00-default.conf"),
      `server {\n    listen ${listen} default_server;\n    return 404;\n}\n`,
    );
    const docker = await connectDocker(config, log);
    const orchestrator = createOrchestrator(config, {
      balancerFiles: new NginxConfigStore(sitesDir, server, nginxLog),
      balancerNginx: server,
      log,
      ...docker,
      ...(metrics === undefined ? {} : { metrics }),
      readiness: {
        nginx: () => server.assertRunning(),
        ...(docker.dockerPing === undefined ? {} : { docker: docker.dockerPing }),
      },
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
