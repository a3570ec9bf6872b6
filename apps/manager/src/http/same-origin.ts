import { DirectorError } from "@director/domain/errors";
import type { FastifyRequest } from "fastify";

/**
 * A cookie sent by a page of another site must not open a connection (cross-site WebSocket hijacking: browsers send
 * cookies with the upgrade, and no CORS check applies). A browser always sends Origin; its host must be ours. Scripts
 * with a bearer token send no cookie and need no Origin.
 */
export function assertSameOrigin(request: FastifyRequest, what: string): void {
  if (request.headers.authorization?.startsWith("Bearer ")) return;
  const origin = request.headers.origin;
  let originHost: string | null = null;
  try {
    originHost = origin === undefined ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (originHost === null || originHost !== request.headers.host) {
    throw new DirectorError(
      "ORIGIN_NOT_ALLOWED",
      `${what} open only from Director's own pages (the Origin header must match this host).`,
    );
  }
}
