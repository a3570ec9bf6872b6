/**
 * The manager's side of the route table (contracts/manager-routes.ts): who each kind of caller is, checked before a
 * route's handler runs, and `registerApiRoute`, whose handler receives the logged-in account as `actor`.
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { Route, RouteCaller } from "@director/contracts/route";
import { DirectorError } from "@director/domain/errors";
import type { User } from "@director/domain/user";
import { type InternalToken, isAuthorized } from "@director/http-kit/internal-auth";
import {
  type RouteHandler,
  type RouteInput,
  type RouteResult,
  type RouteServerOptions,
  registerRoute,
  requireDeclaredCallers,
} from "@director/http-kit/routes";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuthService } from "../features/auth/auth.service.js";
import { authenticate } from "./authenticate.js";

declare module "fastify" {
  interface FastifyRequest {
    /** the account behind a `person`, `person-before-guidelines` or `admin` route's request, once checked */
    actor: User | null;
  }
}

/** What the caller checks need: the accounts, and the metrics token when metrics are served. */
export interface CallerCheckDeps {
  auth: AuthService;
  metricsToken: string | null;
  /** the token the shell server sends on the manager's internal routes; null: no shell server, they refuse everyone */
  /** the shell server's token, and during a rotation its previous one (none: no shell server may connect) */
  shellTokens: readonly InternalToken[];
}

/**
 * Every route must declare its caller; each request is checked against it before anything else of it is read:
 * a session (bearer token or cookie, with the CSRF header on changes) for people, the guidelines accepted for all
 * but the few routes that lead there, administrator rights for `admin`, the metrics token for `metrics`.
 */
export function installCallerChecks(app: FastifyInstance, deps: CallerCheckDeps): void {
  app.decorateRequest("actor", null);
  requireDeclaredCallers(app, {
    person: async (request) => {
      request.actor = await authenticate(deps.auth, request);
    },
    "person-before-guidelines": async (request) => {
      request.actor = await authenticate(deps.auth, request, { isAllowedBeforeGuidelines: true });
    },
    admin: async (request) => {
      const actor = await authenticate(deps.auth, request);
      if (!actor.isSuperuser) {
        throw new DirectorError("FORBIDDEN", "Only administrators may do this.");
      }
      request.actor = actor;
    },
    metrics: async (request) => {
      if (deps.metricsToken === null || !hasBearer(request, deps.metricsToken)) {
        throw new DirectorError("AUTH_REQUIRED", "Metrics need the metrics token (Authorization: Bearer).");
      }
    },
    internal: async (request) => {
      if (deps.shellTokens.length === 0 || !isAuthorized(request.headers.authorization, deps.shellTokens)) {
        throw new DirectorError("INTERNAL_AUTH_INVALID", "The manager's internal API needs the shell server's token.");
      }
    },
  });
}

function hasBearer(request: FastifyRequest, expected: string): boolean {
  const header = request.headers.authorization ?? "";
  const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  // Hashing first makes the lengths equal, so the comparison takes the same time whatever was sent.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The logged-in account of a request whose route declared a person or an administrator. */
export function actorOf(request: FastifyRequest): User {
  if (request.actor === null) throw new DirectorError("AUTH_REQUIRED", "Log in first (POST /api/auth/login).");
  return request.actor;
}

/** The callers that are people: their routes' handlers receive the account as `actor`. */
const personCallers: ReadonlySet<RouteCaller> = new Set(["person", "person-before-guidelines", "admin"]);

/** `{ actor }` for a route of people, nothing for the others (public, metrics). */
type ActorOf<R extends Route> = R["caller"] extends "person" | "person-before-guidelines" | "admin"
  ? { actor: User }
  : Record<never, never>;

/** A route handler of the manager: the route's parsed parts and, for routes of people, the account calling. */
export type ApiHandler<R extends Route> = (input: RouteInput<R> & ActorOf<R>) => Promise<RouteResult<R>>;

/** Registers a route of the table; for routes of people, its handler gets `actor` (the caller's account). */
export function registerApiRoute<R extends Route>(
  app: FastifyInstance,
  target: R,
  handler: ApiHandler<R>,
  options: RouteServerOptions = {},
): void {
  const withActor: RouteHandler<R> = (input) => {
    const actor = personCallers.has(target.caller) ? { actor: actorOf(input.request) } : {};
    return handler({ ...input, ...actor } as RouteInput<R> & ActorOf<R>);
  };
  registerRoute(app, target, withActor, options);
}
