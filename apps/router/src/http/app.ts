import { installErrorHandling } from "@director/http-kit/error-handler";
import { type InternalToken, requireInternalToken } from "@director/http-kit/internal-auth";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import type { EdgeRoutes } from "../core/ports.js";
import { registerRouteRoutes } from "./route-routes.js";

/** What the router's HTTP edge needs. */
export interface RouterAppDeps {
  log: Logger;
  token: InternalToken;
  routes: EdgeRoutes;
}

/** The router's internal API (contracts/router-api.ts): token-protected routes under /internal/v1. */
export function buildRouterApp(deps: RouterAppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // One line per internal call would drown the operations' own logs; refusals and failures are logged anyway.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  installErrorHandling(app);
  requireInternalToken(app, deps.token);
  app.get("/health", async () => ({ ok: true, component: "router" }));
  registerRouteRoutes(app, deps);
  return app;
}
