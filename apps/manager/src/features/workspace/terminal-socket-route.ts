/**
 * The shape every terminal WebSocket of the manager has (a web terminal, an SSH channel): everything is checked
 * before the upgrade, so a refusal is an ordinary JSON answer; a place is taken (terminalConnectionLimits); then the
 * socket is relayed to a shell on the orchestrator by a TerminalSession, closed when its login ends (LiveSessions),
 * at once when its person may no longer edit the site's files, when idle or open too long.
 */

import { terminalCloseCodes } from "@director/contracts/manager-workspace";
import type { TerminalOpenRequest } from "@director/contracts/orchestrator-terminals";
import type { Route } from "@director/contracts/route";
import { DirectorError } from "@director/domain/errors";
import type { SiteRecord } from "@director/domain/site";
import type { SessionKind } from "@director/domain/user";
import type {} from "@fastify/websocket"; // the `websocket: true` route option and handler types
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { type ConnectionLimits, takePlaceForUpgrade } from "../../http/connection-limits.js";
import type { AuthService } from "../auth/auth.service.js";
import type { LiveSessions } from "../live/live-sessions.js";
import type { SiteAccessChanges } from "../sites/site-access-changes.js";
import { siteProcessSettings } from "../sites/site-process-settings.js";
import type { SitesService } from "../sites/sites.service.js";
import { TerminalSession } from "./terminal-session.js";

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

/** What a terminal route needs, whoever its callers are. */
export interface TerminalSocketDeps {
  auth: Pick<AuthService, "userForToken">;
  sites: Pick<SitesService, "findForAction">;
  shells: TerminalShells;
  sessions: Pick<LiveSessions, "track">;
  accessChanges: Pick<SiteAccessChanges, "subscribe">;
  limits: TerminalLimits;
  /** the places for terminals, shared by web terminals and SSH channels (terminalConnectionLimits) */
  connections: ConnectionLimits;
  log: Logger;
  recheckMs?: number;
}

/** A caller let through before the upgrade: who, with which login, into which site. */
export interface AcceptedTerminalCaller {
  userId: number;
  /** the login's token: its access is checked again with it, and its end closes the terminal */
  token: string;
  site: SiteRecord;
}

/** The open request for the orchestrator without the site's process settings, which are added here. */
export type TerminalOpen = Omit<TerminalOpenRequest, "service">;

/** What differs between the terminal routes. */
export interface TerminalSocketRoute<A extends AcceptedTerminalCaller> {
  target: Pick<Route, "path" | "caller">;
  /** the message a plain HTTP request gets (WEBSOCKET_REQUIRED), instead of the plugin's empty 404 */
  plainRequestMessage: string;
  /** which kind of session the token is (the access check reads it as that kind) */
  sessionKind: SessionKind;
  /** the reason the terminal shows when its login ends */
  loginEndedReason: string;
  /** checks the caller before the upgrade, throwing the refusal; the place is taken after it */
  accept(request: FastifyRequest): Promise<A>;
  /**
   * Calls `start` with the open request once it is known: at once, or after the caller's first message. Called
   * synchronously from a message handler, so that the frames right behind the open request reach the session.
   */
  whenOpen(socket: WebSocket, caller: A, start: (open: TerminalOpen) => void): void;
}

const defaultRecheckMs = 30_000;

/** Registers a terminal WebSocket route: `route` says how its caller is checked and how its open request arrives. */
export function registerTerminalSocketRoute<A extends AcceptedTerminalCaller>(
  app: FastifyInstance,
  deps: TerminalSocketDeps,
  route: TerminalSocketRoute<A>,
): void {
  const accepted = new WeakMap<FastifyRequest, A>();
  app.route({
    method: "GET",
    url: route.target.path,
    config: { caller: route.target.caller },
    handler: async () => {
      throw new DirectorError("WEBSOCKET_REQUIRED", route.plainRequestMessage);
    },
    preValidation: async (request) => {
      const caller = await route.accept(request);
      // Taken last, once nothing else can refuse, and given back when the connection's socket closes (see /ws).
      takePlaceForUpgrade(deps.connections, request, caller.userId);
      accepted.set(request, caller);
    },
    wsHandler: (socket, request) => {
      const caller = accepted.get(request);
      if (caller === undefined) {
        socket.close(terminalCloseCodes.sessionEnded, "session ended");
        return;
      }
      route.whenOpen(socket, caller, (open) => startSession(socket, caller, open, deps, route));
    },
  });
}

function startSession(
  socket: WebSocket,
  { userId, token, site }: AcceptedTerminalCaller,
  open: TerminalOpen,
  deps: TerminalSocketDeps,
  route: Pick<TerminalSocketRoute<AcceptedTerminalCaller>, "sessionKind" | "loginEndedReason">,
): void {
  const channel = open.program === undefined ? {} : { channel: open.program.kind };
  const session = new TerminalSession(socket, {
    openShell: () => deps.shells.open(site, { ...open, service: { ...siteProcessSettings(site), env: {} } }),
    checkAccess: terminalAccessCheck(deps, token, site, route.sessionKind),
    onAccessChange: (listener) => deps.accessChanges.subscribe(site.id, listener),
    idleTimeoutMs: deps.limits.idleTimeoutMs,
    maxDurationMs: deps.limits.maxDurationMs,
    recheckMs: deps.recheckMs ?? defaultRecheckMs,
    log: deps.log.child({ siteId: site.id, userId, ...channel }),
  });
  const untrack = deps.sessions.track(token, userId, () =>
    session.close(terminalCloseCodes.sessionEnded, route.loginEndedReason),
  );
  socket.on("close", untrack);
}

/**
 * Whether the person behind `token` may still use a terminal in `site`: "session-ended" when the login ended or the
 * account was disabled, "access-lost" when they may no longer edit the site's files (removed, site disabled).
 */
function terminalAccessCheck(
  deps: Pick<TerminalSocketDeps, "auth" | "sites">,
  token: string,
  site: SiteRecord,
  kind: SessionKind,
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
