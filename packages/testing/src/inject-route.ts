/**
 * An in-process request to one route of a route table (contracts/route.ts), its path built by `routePath`: tests
 * name routes, never write their paths. Parameters, query and body are sent as given, unchecked, so that a test can
 * send what the route must refuse.
 */
import { type Route, routePath, routeQueryString } from "@director/contracts/route";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";

export interface RouteRequest {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  /** a JSON body, or the bytes of a bytes route (sent as application/octet-stream) */
  body?: unknown;
  headers?: Record<string, string>;
}

export function injectRoute(
  app: FastifyInstance,
  target: Pick<Route, "method" | "path" | "bodyKind">,
  request: RouteRequest = {},
): Promise<LightMyRequestResponse> {
  const url = `${routePath(target, request.params)}${routeQueryString(request.query)}`;
  const isBytes = Buffer.isBuffer(request.body) || typeof request.body === "string";
  const headers = {
    ...(isBytes && target.bodyKind === "bytes" ? { "content-type": "application/octet-stream" } : {}),
    ...request.headers,
  };
  return app.inject({
    method: target.method,
    url,
    headers,
    ...(request.body === undefined ? {} : { payload: request.body as never }),
  });
}
