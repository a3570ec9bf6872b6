import { liveCloseCodes } from "@director/contracts/manager-live";
import { platformRoutes } from "@director/contracts/manager-routes-accounts";
import type { User } from "@director/domain/user";
import type {} from "@fastify/websocket"; // the `websocket: true` route option and handler types
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { actorOf } from "../../http/api-routes.js";
import { sessionTokenOf } from "../../http/authenticate.js";
import { assertSameOrigin } from "../../http/same-origin.js";
import type { AuthService } from "../auth/auth.service.js";
import type { SitesService } from "../sites/sites.service.js";
import { LiveConnection } from "./live-connection.js";
import type { LiveHub } from "./live-hub.js";
import { InProcessLivePlaces, type LivePlaces } from "./live-places.js";
import type { LiveSessions } from "./live-sessions.js";

/** A connection that answers no ping within this long is dropped (a laptop closed, a network gone). */
const pingIntervalMs = 30_000;

/**
 * GET /ws — the live channel (a WebSocket; packages/contracts/src/manager-live.ts has its messages). The upgrade
 * is refused with an ordinary JSON error (401, 403, 429) before any socket exists.
 */
export function registerLiveRoutes(
  app: FastifyInstance,
  deps: {
    auth: AuthService;
    sites: SitesService;
    hub: LiveHub;
    /** where logout and disabling an account close the connections at once */
    sessions: LiveSessions;
    /** the places of live connections per account; absent: counted by this process alone */
    places?: LivePlaces;
    log: Logger;
    recheckMs?: number;
  },
): void {
  const actors = new WeakMap<FastifyRequest, User>();
  const places = deps.places ?? new InProcessLivePlaces();

  app.get(
    platformRoutes.live.path,
    {
      websocket: true,
      // The session was checked when the request came in (the route's declared caller, http/api-routes.ts).
      config: { caller: platformRoutes.live.caller },
      preValidation: async (request) => {
        assertSameOrigin(request, "Live updates");
        const actor = actorOf(request);
        // Taken here, before the upgrade, so that a burst of upgrades cannot all pass a check made before any of
        // them was counted; given back when the connection's socket closes, whether the upgrade happened or not
        // (the plugin destroys the socket of an upgrade answered over HTTP). A plain GET, which the plugin answers
        // 404 on a connection that may stay open, takes none.
        if (request.ws) {
          const release = await places.take(actor.id);
          const connection = request.raw.socket;
          // A client gone while we authenticated closed its socket already: that `close` will not come again.
          if (connection.destroyed) release();
          else connection.once("close", release);
        }
        actors.set(request, actor);
      },
    },
    (socket, request) => {
      const actor = actors.get(request);
      const token = sessionTokenOf(request);
      if (!actor || token === undefined) {
        socket.close(liveCloseCodes.sessionEnded, "session ended");
        return;
      }
      new LiveConnection(socket, actor, {
        hub: deps.hub,
        findViewable: (who, name) => deps.sites.findForAction(who, name, "view"),
        userForSession: async () => {
          const user = await deps.auth.userForToken(token);
          return user?.isActive ? user : null;
        },
        log: deps.log,
        ...(deps.recheckMs === undefined ? {} : { recheckMs: deps.recheckMs }),
      });
      let isAlive = true;
      socket.on("pong", () => {
        isAlive = true;
      });
      const ping = setInterval(() => {
        if (!isAlive) {
          socket.terminate();
          return;
        }
        isAlive = false;
        socket.ping();
      }, pingIntervalMs);
      const untrack = deps.sessions.track(token, actor.id, () =>
        socket.close(liveCloseCodes.sessionEnded, "session ended"),
      );
      socket.on("close", () => {
        untrack();
        clearInterval(ping);
      });
    },
  );
}
