import { installErrorHandling } from "@director/http-kit/error-handler";
import { type InternalToken, requireInternalToken } from "@director/http-kit/internal-auth";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import type { BalancerConfig, SiteDirectories, SiteFiles } from "../core/ports.js";
import { registerFileRoutes } from "./file-routes.js";
import { registerSiteRoutes } from "./site-routes.js";

/** What the orchestrator's HTTP edge needs: its ports and two settings. */
export interface OrchestratorAppDeps {
  log: Logger;
  token: InternalToken;
  directories: SiteDirectories;
  balancer: BalancerConfig;
  files: SiteFiles;
  /** the largest file one request reads or writes */
  maxFileBytes: number;
}

/** The orchestrator's internal API (contracts/orchestrator-api.ts): token-protected routes under /internal/v1. */
export function buildOrchestratorApp(deps: OrchestratorAppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // One line per internal call would drown the operations' own logs; refusals and failures are logged anyway.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  installErrorHandling(app);
  requireInternalToken(app, deps.token);
  app.get("/health", async () => ({ ok: true, component: "orchestrator" }));
  registerSiteRoutes(app, deps);
  registerFileRoutes(app, deps);
  return app;
}
