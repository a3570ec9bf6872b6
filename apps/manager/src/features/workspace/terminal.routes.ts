import { workspaceRoutes } from "@director/contracts/manager-routes-workspace";
import { terminalCloseCodes } from "@director/contracts/manager-workspace";
import type { TerminalOpenRequest } from "@director/contracts/orchestrator-terminals";
import { DirectorError } from "@director/domain/errors";
import type { SiteRecord } from "@director/domain/site";
import type { SessionKind, User } from "@director/domain/user";
import type {} from "@fastify/websocket"; // the `websocket: true` route option and handler types
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { actorOf } from "../../http/api-routes.js";
import { sessionTokenOf } from "../../http/authenticate.js";
import { ConnectionLimits, takePlaceForUpgrade } from "../../http/connection-limits.js";
import { assertSameOrigin } from "../../http/same-origin.js";
import type { AuthService } from "../auth/auth.service.js";
import type { LiveSessions } from "../live/live-sessions.js";
import type { SiteAccessChanges } from "../sites/site-access-changes.js";
import { siteProcessSettings } from "../sites/site-process-settings.js";
import type { SitesService } from "../sites/sites.service.js";
import { TerminalSession } from "./terminal-session.js";

/**
 * The places for terminals: at most DIRECTOR_TERMINALS_PER_ACCOUNT per account and _TOTAL in all, web terminals and
 * SSH channels together.
 */
export function terminalConnectionLimits(limits: Pick<TerminalLimits, "maxPerAccount" | "maxTotal">): ConnectionLimits {
  return new ConnectionLimits(
    { perAccount: limits.maxPerAccount, total: limits.maxTotal },
    (kind) =>
      new DirectorError(
        "TERMINAL_LIMIT",
        kind === "account"
          ? `At most ${limits.maxPerAccount} terminals (web and SSH) can be open at once per account: close some.`
          : `Director has as many terminals open as it allows (${limits.maxTotal}); try again in a minute.`,
        { details: { limit: kind } },
      ),
  );
}

/**
 * Whether the person behind `token` may still use a terminal in `site`: "session-ended" when the login ended or the
 * account was disabled, "access-lost" when they may no longer edit the site's files (removed, site disabled).
 */
export function terminalAccessCheck(
  deps: { auth: Pick<AuthService, "userForToken">; sites: Pick<SitesService, "findForAction"> },
  token: string,
  site: SiteRecord,
  kind: SessionKind = "web",
): () => Promise<"ok" | "session-ended" | "access-lost"> {
  return async () => {
    const user = await deps.auth.userForToken(token, kind);
    if (user === null || !user.isActive) return "session-ended";
    try {
      await deps.sites.findForAction(user, site.name, "edit_files");
      return "ok";
    } catch (error) {
      if (error instanceof DirectorError && error.kind === "user") return "access-lost";
      throw error;
    }
  };
}

/** Where terminals' shells run: the orchestrator's terminal socket, once its open request is sent. */
export interface TerminalShells {
  open(site: SiteRecord, request: TerminalOpenRequest): Promise<WebSocket>;
}

/** The terminal settings of the configuration (DIRECTOR_TERMINAL_*). */
export interface TerminalLimits {
  maxPerAccount: number;
  maxTotal: number;
  idleTimeoutMs: number;
  maxDurationMs: number;
}

const defaultRecheckMs = 30_000;

interface Accepted {
  actor: User;
  site: SiteRecord;
  cols: number;
  rows: number;
}

/**
 * GET /api/sites/:name/terminal — a shell in the site's own environment, as a WebSocket (manager-workspace.ts). Who
 * may edit the site's files may open one; the Origin must be Director's own pages (cross-site WebSocket hijacking).
 * Everything is checked before the upgrade, so a refusal is an ordinary JSON answer (401, 403, 404, 429).
 */
export function registerTerminalRoutes(
  app: FastifyInstance,
  deps: {
    auth: Pick<AuthService, "userForToken">;
    sites: Pick<SitesService, "findForAction">;
    shells: TerminalShells;
    sessions: Pick<LiveSessions, "track">;
    accessChanges: Pick<SiteAccessChanges, "subscribe">;
    limits: TerminalLimits;
    /** the places for terminals, shared with SSH channels (terminalConnectionLimits) */
    connections: ConnectionLimits;
    log: Logger;
    recheckMs?: number;
  },
): void {
  const target = workspaceRoutes.terminal;
  const accepted = new WeakMap<FastifyRequest, Accepted>();
  app.route({
    method: "GET",
    url: target.path,
    config: { caller: target.caller },
    // A plain HTTP request gets the error body every other refusal has, not the plugin's empty 404.
    handler: async () => {
      throw new DirectorError("WEBSOCKET_REQUIRED", "The terminal is a WebSocket: connect with an Upgrade request.");
    },
    preValidation: async (request) => {
      assertSameOrigin(request, "Terminals");
      const actor = actorOf(request);
      const query = target.query.safeParse(request.query);
      if (!query.success) {
        throw new DirectorError("VALIDATION_FAILED", "cols must be 2-500 and rows 1-200.", {
          details: { fields: { cols: "2-500", rows: "1-200" } },
        });
      }
      const { name } = target.params.parse(request.params);
      const site = await deps.sites.findForAction(actor, name, "edit_files");
      // Taken last, once nothing else can refuse, and given back when the connection's socket closes (see /ws).
      takePlaceForUpgrade(deps.connections, request, actor.id);
      accepted.set(request, { actor, site, ...query.data });
    },
    wsHandler: (socket, request) => {
      const details = accepted.get(request);
      const token = sessionTokenOf(request);
      if (details === undefined || token === undefined) {
        socket.close(terminalCloseCodes.sessionEnded, "session ended");
        return;
      }
      const { actor, site, cols, rows } = details;
      const log = deps.log.child({ siteId: site.id, userId: actor.id });
      const session = new TerminalSession(socket, {
        openShell: () =>
          deps.shells.open(site, { type: "open", cols, rows, service: { ...siteProcessSettings(site), env: {} } }),
        checkAccess: terminalAccessCheck(deps, token, site),
        onAccessChange: (listener) => deps.accessChanges.subscribe(site.id, listener),
        idleTimeoutMs: deps.limits.idleTimeoutMs,
        maxDurationMs: deps.limits.maxDurationMs,
        recheckMs: deps.recheckMs ?? defaultRecheckMs,
        log,
      });
      const untrack = deps.sessions.track(token, actor.id, () =>
        session.close(terminalCloseCodes.sessionEnded, "Your session ended; log in again."),
      );
      socket.on("close", untrack);
    },
  });
}
