import { workspaceRoutes } from "@director/contracts/manager-routes-workspace";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance } from "fastify";
import { actorOf } from "../../http/api-routes.js";
import { sessionTokenOf } from "../../http/authenticate.js";
import { ConnectionLimits } from "../../http/connection-limits.js";
import { assertSameOrigin } from "../../http/same-origin.js";
import {
  type AcceptedTerminalCaller,
  registerTerminalSocketRoute,
  type TerminalLimits,
  type TerminalSocketDeps,
} from "./terminal-socket-route.js";

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

/** A web terminal's caller, with the size its terminal opens at. */
interface Accepted extends AcceptedTerminalCaller {
  cols: number;
  rows: number;
}

/**
 * GET /api/sites/:name/terminal — a shell in the site's own environment, as a WebSocket (manager-workspace.ts). Who
 * may edit the site's files may open one; the Origin must be Director's own pages (cross-site WebSocket hijacking).
 * Everything is checked before the upgrade, so a refusal is an ordinary JSON answer (401, 403, 404, 429).
 */
export function registerTerminalRoutes(app: FastifyInstance, deps: TerminalSocketDeps): void {
  const target = workspaceRoutes.terminal;
  registerTerminalSocketRoute<Accepted>(app, deps, {
    target,
    plainRequestMessage: "The terminal is a WebSocket: connect with an Upgrade request.",
    sessionKind: "web",
    loginEndedReason: "Your session ended; log in again.",
    accept: async (request) => {
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
      // The request was authenticated (actorOf), so it carries its token: the cookie's or the bearer's.
      const token = sessionTokenOf(request);
      if (token === undefined) throw new DirectorError("AUTH_REQUIRED", "Log in first (POST /api/auth/login).");
      return { userId: actor.id, token, site, ...query.data };
    },
    // The browser says only the size, in the query: the shell opens at once.
    whenOpen: (_socket, { cols, rows }, start) => start({ type: "open", cols, rows }),
  });
}
