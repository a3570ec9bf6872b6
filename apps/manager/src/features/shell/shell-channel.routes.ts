/**
 * GET /internal/v1/shell/sites/:name/channel — one SSH channel (a shell, a command, sftp) in a site, as a WebSocket,
 * for the person logged in with the `x-director-login` token. The manager is the only way from the shell server to a
 * site: it checks the person's right to edit the site's files before the upgrade (a refusal is a JSON answer the shell
 * server shows), adds the site's process settings to the shell server's open message, and relays the channel to the
 * orchestrator exactly like a web terminal (TerminalSession): closed at logout or when the account is disabled, at
 * once when the person is removed from the site or the site is disabled, when idle or open too long.
 */
import { type ShellChannelOpen, shellChannelOpenSchema, shellRoutes } from "@director/contracts/manager-routes-ssh";
import { terminalCloseCodes } from "@director/contracts/manager-workspace";
import { DirectorError } from "@director/domain/errors";
import type { SiteRecord } from "@director/domain/site";
import { parseJsonFrame } from "@director/http-kit/ws-data";
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
import { type TerminalLimits, type TerminalShells, terminalAccessCheck } from "../workspace/terminal.routes.js";
import { TerminalSession } from "../workspace/terminal-session.js";
import { shellPersonOf } from "./shell-login-token.js";

/** The shell server sends its open message at once; a channel that says nothing for this long is closed. */
const openTimeoutMs = 10_000;
const defaultRecheckMs = 30_000;
const policyViolation = 1008;

interface Accepted {
  userId: number;
  token: string;
  site: SiteRecord;
}

export function registerShellChannelRoute(
  app: FastifyInstance,
  deps: {
    auth: Pick<AuthService, "userForToken" | "guidelines">;
    sites: Pick<SitesService, "findForAction">;
    shells: TerminalShells;
    sessions: Pick<LiveSessions, "track">;
    accessChanges: Pick<SiteAccessChanges, "subscribe">;
    limits: TerminalLimits;
    connections: ConnectionLimits;
    log: Logger;
    recheckMs?: number;
    webHost: string;
  },
): void {
  const target = shellRoutes.channel;
  const accepted = new WeakMap<FastifyRequest, Accepted>();

  app.route({
    method: "GET",
    url: target.path,
    config: { caller: target.caller },
    handler: async () => {
      throw new DirectorError("WEBSOCKET_REQUIRED", "A shell channel is a WebSocket: connect with an Upgrade request.");
    },
    preValidation: async (request) => {
      const { user, token } = await shellPersonOf(deps.auth, request, deps.webHost);
      const { name } = target.params.parse(request.params);
      const site = await deps.sites.findForAction(user, name, "edit_files");
      takePlaceForUpgrade(deps.connections, request, user.id);
      accepted.set(request, { userId: user.id, token, site });
    },
    wsHandler: (socket, request) => {
      const details = accepted.get(request);
      if (details === undefined) {
        socket.close(terminalCloseCodes.sessionEnded, "session ended");
        return;
      }
      const waiting = setTimeout(() => socket.close(policyViolation, "no open message"), openTimeoutMs);
      socket.once("message", (data, isBinary) => {
        clearTimeout(waiting);
        const open = isBinary ? null : parseJsonFrame(shellChannelOpenSchema, data.toString());
        if (open === null) {
          socket.close(policyViolation, "the first message must open the channel");
          return;
        }
        startSession(socket, details, open, deps);
      });
    },
  });
}

function startSession(
  socket: WebSocket,
  { userId, token, site }: Accepted,
  open: ShellChannelOpen,
  deps: Parameters<typeof registerShellChannelRoute>[1],
): void {
  const session = new TerminalSession(socket, {
    openShell: () => deps.shells.open(site, { ...open, service: { ...siteProcessSettings(site), env: {} } }),
    checkAccess: terminalAccessCheck(deps, token, site, "shell"),
    onAccessChange: (listener) => deps.accessChanges.subscribe(site.id, listener),
    idleTimeoutMs: deps.limits.idleTimeoutMs,
    maxDurationMs: deps.limits.maxDurationMs,
    recheckMs: deps.recheckMs ?? defaultRecheckMs,
    log: deps.log.child({ siteId: site.id, userId, channel: open.program.kind }),
  });
  const untrack = deps.sessions.track(token, userId, () =>
    session.close(terminalCloseCodes.sessionEnded, "Your login ended; connect again."),
  );
  socket.on("close", untrack);
}
