import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { answerFrameworkError, installErrorHandling } from "./error-handler.js";
import { type InternalToken, requireInternalToken } from "./internal-auth.js";

/** What every internal API starts from: its component name (reported by /health), its token and its logger. */
export interface InternalAppOptions {
  component: string;
  token: InternalToken;
  log: Logger;
}

/** A Fastify app for an internal API: error bodies with stable codes, bearer-token auth and GET /health. */
export function buildInternalApp({ component, token, log }: InternalAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // One line per internal call would drown the operations' own logs; refusals and failures are logged anyway.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // Stopping closes every connection, also the long ones (a followed log, an operation's events): waiting for
    // them held a stop until it was killed, leaving nginx behind. A browser's EventSource reconnects by itself.
    forceCloseConnections: true,
    frameworkErrors: answerFrameworkError,
  });
  installErrorHandling(app);
  requireInternalToken(app, token);
  app.get("/health", async () => ({ ok: true, component }));
  return app;
}
