/**
 * The router's composition root: config → adapters → HTTP app. Nothing else wires.
 * `createRouter` takes the edge's nginx files from the caller, because under `director up` one nginx is shared
 * with the orchestrator; `runRouter` is the standalone process with an nginx of its own.
 */

import { readFileSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import { routerDataLayout } from "@director/contracts/certificate-files";
import { DirectorError } from "@director/domain/errors";
import type { ConfigFiles } from "@director/host/config-files";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { NginxServer } from "@director/host/nginx-server";
import {
  type ComponentMetrics,
  componentMetricsOf,
  nginxReloadsCountedIn,
  servedMetrics,
} from "@director/http-kit/component-metrics";
import { acceptedTokens } from "@director/http-kit/internal-auth";
import type { ReadinessChecks } from "@director/http-kit/readiness";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { AcmeIssuer } from "./adapters/acme-issuer.js";
import { FsCertificateStore } from "./adapters/certificate-store.js";
import { FsChallengeDirectory } from "./adapters/challenge-directory.js";
import { NginxEdgeRoutes } from "./adapters/nginx-edge-routes.js";
import type { RouterConfig } from "./config.js";
import { Certificates } from "./core/certificates.js";
import { buildRouterApp } from "./http/app.js";

/** A built router: its HTTP app (for inject), and start/stop of its listener. */
export interface RouterHandle {
  app: FastifyInstance;
  /** Writes the edge's default server, listens, and resolves to the API's base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Builds the router on the given edge config directory; the default server is written when the app is ready. */
export function createRouter(
  config: RouterConfig,
  deps: {
    routeFiles: ConfigFiles;
    log: Logger;
    readiness?: ReadinessChecks;
    /** counted in by the caller that runs the edge nginx (`componentMetricsOf`); absent: made here when needed */
    metrics?: ComponentMetrics;
  },
): RouterHandle {
  const log = deps.log.child({ component: "router" });
  const routes = new NginxEdgeRoutes(deps.routeFiles, {
    topology: config.topology,
    sitesDomain: config.sitesDomain,
    edgeListen: config.edge.listen,
    balancers: config.balancers,
  });
  const certificates = new Certificates({
    issuer: acmeIssuerOf(config, log),
    store: new FsCertificateStore(routerDataLayout(config.dataDir).certificatesDir),
    refusal:
      config.topology === "split"
        ? "Sites' own domains need the shared topology (router and balancer on one nginx) in this release: the split topology's edge does not route them yet. Ask an administrator."
        : null,
  });
  const app = buildRouterApp({
    log,
    token: acceptedTokens(config),
    routes,
    certificates,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    ...servedMetrics("router", config.metricsToken, deps.metrics),
  });
  // The router owns the edge listener: its default server must exist before any route is served.
  app.addHook("onReady", async () => {
    // World-traversable: nginx's workers read the ACME challenges under it (the certificates' own dir is 0700).
    await mkdir(config.dataDir, { recursive: true, mode: 0o755 });
    await chmod(config.dataDir, 0o755);
    await routes.writeDefaults();
  });
  return {
    app,
    listen: () => app.listen({ host: config.http.host, port: config.http.port }),
    close: () => app.close(),
  };
}

/** The certificate authority's client when one is configured; null: custom domains are served over HTTP only. */
function acmeIssuerOf(config: RouterConfig, log: Logger): AcmeIssuer | null {
  const { directoryUrl, email, caFile } = config.acme;
  if (directoryUrl === "") return null;
  const layout = routerDataLayout(config.dataDir);
  return new AcmeIssuer({
    directoryUrl,
    accountKeyPath: layout.accountKeyPath,
    ...(email === "" ? {} : { contactEmail: email }),
    challenges: new FsChallengeDirectory(layout.challengesRoot),
    ...(caFile === "" ? {} : { trustedCaPem: readCaFile(caFile) }),
    // Polls of a pending order start at 1 s and double (acme-client's 5 s made every certificate take 5 s or more).
    statusPollMinMs: 1_000,
    log: log.child({ component: "acme" }),
  });
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new DirectorError("CONFIG_INVALID", `DIRECTOR_ACME_CA_FILE: cannot read ${file}.`, { cause: error });
  }
}

/** A running standalone router: its API URL and how to stop it and its nginx. */
export interface RunningRouter {
  url: string;
  close(): Promise<void>;
}

/** Runs the router as its own process with its own edge nginx (the split topology); routes live in `<nginxDir>/routes`. */
export async function runRouter(config: RouterConfig, log: Logger): Promise<RunningRouter> {
  const nginxLog = log.child({ component: "edge-nginx" });
  const routesDir = path.join(config.edge.nginxDir, "routes");
  const metrics = componentMetricsOf("router", config.metricsToken);
  const server = new NginxServer({
    prefixDir: config.edge.nginxDir,
    includeDirs: [routesDir],
    log: nginxLog,
    ...nginxReloadsCountedIn(metrics),
  });
  await server.start();
  try {
    const router = createRouter(config, {
      routeFiles: new NginxConfigStore(routesDir, server, nginxLog),
      log,
      readiness: { nginx: () => server.assertRunning() },
      ...(metrics === undefined ? {} : { metrics }),
    });
    const url = await router.listen();
    log.info({ url }, "router listening");
    return {
      url,
      close: async () => {
        await router.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
