/**
 * The manager's internal API for the shell server (contracts/manager-routes-ssh.ts `shellRoutes`), but the channel
 * socket (shell-channel.routes.ts). Every route is `internal`: only a caller with DIRECTOR_SHELL_TOKEN reaches it.
 */
import { shellRoutes } from "@director/contracts/manager-routes-ssh";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { AuthService } from "../auth/auth.service.js";
import type { LiveSessions } from "../live/live-sessions.js";
import type { SitesService } from "../sites/sites.service.js";
import { shellLoginTokenOf, shellPersonOf } from "./shell-login-token.js";
import type { ShellLoginsService } from "./shell-logins.service.js";

/** The shell server's report of its host keys and port (features/ssh), shown to people. */
export interface HostKeyReports {
  report(input: { keys: { algorithm: string; fingerprint: string }[]; port: number }): Promise<void>;
}

/** The most sites the picker lists. */
const maxPickerSites = 200;

export function registerShellRoutes(
  app: FastifyInstance,
  deps: {
    logins: ShellLoginsService;
    auth: Pick<AuthService, "userForToken" | "guidelines">;
    sites: Pick<SitesService, "listOwn">;
    hostKeys: HostKeyReports;
    sessions: Pick<LiveSessions, "endSession">;
    /** the web interface's host (DIRECTOR_PUBLIC_HOST), named in messages that send people there; may be empty */
    webHost: string;
  },
): void {
  registerApiRoute(app, shellRoutes.checkKey, async ({ body }) => ({
    isAccepted: await deps.logins.isKeyAccepted(body.username, body.publicKey),
  }));

  registerApiRoute(app, shellRoutes.login, async ({ body }) => {
    const session = await deps.logins.login(body.username, body.address, body.credential);
    return { token: session.token, username: session.user.username, expiresAt: session.expiresAt.toISOString() };
  });

  registerApiRoute(app, shellRoutes.logout, async ({ request }) => {
    const token = shellLoginTokenOf(request);
    if (token === undefined) return;
    await deps.logins.logout(token);
    deps.sessions.endSession(token);
  });

  registerApiRoute(app, shellRoutes.sites, async ({ request }) => {
    const { user } = await shellPersonOf(deps.auth, request, deps.webHost);
    const sites = await deps.sites.listOwn(user, maxPickerSites);
    return {
      sites: sites.map((site) => ({ name: site.name, type: site.type, isEnabled: site.availability === "enabled" })),
    };
  });

  registerApiRoute(app, shellRoutes.hostKeys, async ({ body }) => {
    await deps.hostKeys.report(body);
  });
}
