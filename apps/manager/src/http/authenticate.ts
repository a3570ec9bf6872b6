import { DirectorError } from "@director/domain/errors";
import type { User } from "@director/domain/user";
import { mustAcceptGuidelines } from "@director/domain/user-role";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuthService } from "../features/auth/auth.service.js";

/**
 * The session cookie's name. Over HTTPS (DIRECTOR_COOKIE_SECURE) it has the `__Host-` prefix: a browser accepts a
 * cookie of that name only with Secure, Path=/ and no Domain (RFC 6265bis §4.1.3.2), so a page of a hosted site under
 * the same registrable domain (`app.sites.school.edu` beside `director.school.edu`) cannot set one for the manager
 * with `Domain=school.edu` and log a person in as someone else ("cookie tossing"). Browsers refuse the prefix
 * without Secure, so plain-HTTP `director up` keeps the plain name. Only the configured name is ever read.
 */
export function sessionCookieName(isCookieSecure: boolean): string {
  return isCookieSecure ? "__Host-director_session" : "director_session";
}

/** How this app names and sends its session cookie (installSessionCookie). */
export interface SessionCookie {
  name: string;
  isSecure: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** the session cookie of the manager's app (installSessionCookie) */
    sessionCookie: SessionCookie;
  }
}

/** Records the session cookie's name and flags on the app, for authenticate() and the routes that set the cookie. */
export function installSessionCookie(app: FastifyInstance, isCookieSecure: boolean): void {
  app.decorate("sessionCookie", { name: sessionCookieName(isCookieSecure), isSecure: isCookieSecure });
}
/** Browsers send this header only from our own pages: a cross-site form cannot set it (no CORS preflight passes). */
export const csrfHeaderName = "x-director-csrf";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** Options of authenticate(). */
export interface AuthenticateOptions {
  /**
   * Let a user who has not accepted the guidelines through: only for the routes that get them there
   * (who am I, logout, the guidelines themselves).
   */
  isAllowedBeforeGuidelines?: boolean;
}

/**
 * The user behind a request: a bearer token (scripts, the CLI) or the session cookie (browsers; by the name
 * installSessionCookie set).
 * Cookie-authenticated requests that change something must also carry the CSRF header.
 * Disabled accounts have no valid session (AUTH_REQUIRED). People who have not accepted the current version of the
 * guidelines (never, or before the text changed) get GUIDELINES_NOT_ACCEPTED everywhere but the few routes that
 * allow it: this is the one place that rule lives.
 */
export async function authenticate(
  auth: AuthService,
  request: FastifyRequest,
  options: AuthenticateOptions = {},
): Promise<User> {
  const header = request.headers.authorization;
  const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
  const cookie = request.cookies[request.server.sessionCookie.name];
  const token = bearer ?? cookie;
  if (!token) throw new DirectorError("AUTH_REQUIRED", "Log in first (POST /api/auth/login).");
  const user = await auth.userForToken(token);
  if (!user) throw new DirectorError("AUTH_REQUIRED", "Your session has ended or is not valid; log in again.");
  if (!bearer && !safeMethods.has(request.method) && request.headers[csrfHeaderName] === undefined) {
    throw new DirectorError("CSRF_HEADER_MISSING", `Requests that change something need the ${csrfHeaderName} header.`);
  }
  if (!options.isAllowedBeforeGuidelines && mustAcceptGuidelines(user, auth.guidelines.version)) {
    throw new DirectorError(
      "GUIDELINES_NOT_ACCEPTED",
      "Read and accept the guidelines first, again if they changed (GET /api/guidelines, POST /api/guidelines/accept).",
    );
  }
  return user;
}

/** The session token a request carries, if any (for logout). */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith("Bearer ")
    ? header.slice("Bearer ".length).trim()
    : request.cookies[request.server.sessionCookie.name];
}
