/**
 * GET /internal/v1/shell/sites/:name/channel — one SSH channel (a shell, a command, sftp) in a site, as a WebSocket,
 * for the person logged in with the `x-director-login` token. The manager is the only way from the shell server to a
 * site: it checks the person's right to edit the site's files before the upgrade (a refusal is a JSON answer the shell
 * server shows), adds the site's process settings to the shell server's open message, and relays the channel to the
 * orchestrator exactly like a web terminal (TerminalSession): closed at logout or when the account is disabled, at
 * once when the person is removed from the site or the site is disabled, when idle or open too long.
 */
import { shellChannelOpenSchema, shellRoutes } from "@director/contracts/manager-routes-ssh";
import { parseJsonFrame } from "@director/http-kit/ws-data";
import type { FastifyInstance } from "fastify";
import type { AuthService } from "../auth/auth.service.js";
import { registerTerminalSocketRoute, type TerminalSocketDeps } from "../workspace/terminal-socket-route.js";
import { shellPersonOf } from "./shell-login-token.js";

/** The shell server sends its open message at once; a channel that says nothing for this long is closed. */
const openTimeoutMs = 10_000;
const policyViolation = 1008;

export function registerShellChannelRoute(
  app: FastifyInstance,
  deps: TerminalSocketDeps & { auth: Pick<AuthService, "userForToken" | "guidelines">; webHost: string },
): void {
  const target = shellRoutes.channel;
  registerTerminalSocketRoute(app, deps, {
    target,
    plainRequestMessage: "A shell channel is a WebSocket: connect with an Upgrade request.",
    sessionKind: "shell",
    loginEndedReason: "Your login ended; connect again.",
    accept: async (request) => {
      const { user, token } = await shellPersonOf(deps.auth, request, deps.webHost);
      const { name } = target.params.parse(request.params);
      const site = await deps.sites.findForAction(user, name, "edit_files");
      return { userId: user.id, token, site };
    },
    whenOpen: (socket, _caller, start) => {
      const waiting = setTimeout(() => socket.close(policyViolation, "no open message"), openTimeoutMs);
      socket.once("message", (data, isBinary) => {
        clearTimeout(waiting);
        const open = isBinary ? null : parseJsonFrame(shellChannelOpenSchema, data.toString());
        if (open === null) {
          socket.close(policyViolation, "the first message must open the channel");
          return;
        }
        start(open);
      });
    },
  });
}
