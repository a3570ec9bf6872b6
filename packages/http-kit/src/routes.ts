/**
 * Serving the routes of a route table (contracts/route.ts): the handler gets its parameters, query and body parsed by
 * the route's own schemas, and every request is checked against the caller its route declares before anything of it
 * is read. A route registered without a caller stops the server from starting, so none can be public by mistake.
 */

import type { Readable } from "node:stream";
import type { Route, RouteCaller, RouteOutput } from "@director/contracts/route";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { z } from "zod";

declare module "fastify" {
  interface FastifyContextConfig {
    /** who may call the route (contracts/route.ts), checked by requireDeclaredCallers */
    caller?: RouteCaller;
  }
}

/** What a route's handler receives: its parts parsed by the route's schemas, and the request and reply themselves. */
export interface RouteInput<R extends Route> {
  params: RouteOutput<R["params"]>;
  query: RouteOutput<R["query"]>;
  /**
   * the parsed JSON body; the raw bytes (a Buffer) for a route whose `bodyKind` is "bytes"; the request itself, unread,
   * for a "stream" route (its scope's content type parser must leave the body unread: `acceptStreamedBodies`)
   */
  body: R["bodyKind"] extends "bytes" ? Buffer : R["bodyKind"] extends "stream" ? Readable : RouteOutput<R["body"]>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** What a handler gives back: the JSON answer (as it is sent), or nothing for the other kinds. */
export type RouteResult<R extends Route> = R["answerKind"] extends "json"
  ? R["answer"] extends z.ZodType
    ? z.input<R["answer"]>
    : unknown
  : unknown;

export type RouteHandler<R extends Route> = (input: RouteInput<R>) => Promise<RouteResult<R>>;

/**
 * Registers `target` on `app`. A JSON answer is sent with the route's status (200 unless it says otherwise, or the
 * status the handler set); an empty one with 204; a bytes or stream route's handler writes its answer itself. A route
 * whose `bodyKind` is "bytes" takes its body as application/octet-stream (an empty body is an empty Buffer).
 */
export function registerRoute<R extends Route>(
  app: FastifyInstance,
  target: R,
  handler: RouteHandler<R>,
  options: RouteServerOptions = {},
): void {
  if (target.bodyKind === "bytes" && !app.hasContentTypeParser(octetStream) && !app.hasContentTypeParser("*")) {
    // The route's bodyLimit applies to it (Fastify prefers a route's limit to the parser's).
    app.addContentTypeParser(octetStream, { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  }
  app.route({
    ...options,
    method: target.method,
    url: target.path,
    config: { caller: target.caller },
    handler: async (request, reply) => {
      const input = {
        params: target.params === undefined ? undefined : target.params.parse(request.params),
        query: target.query === undefined ? undefined : target.query.parse(request.query),
        body:
          target.bodyKind === "bytes"
            ? bytesOf(request.body)
            : target.bodyKind === "stream"
              ? request.raw
              : target.body === undefined
                ? undefined
                : target.body.parse(request.body ?? {}),
        request,
        reply,
      } as RouteInput<R>;
      const result = await handler(input);
      if (reply.sent || target.answerKind === "stream" || target.answerKind === "bytes") return reply;
      // A handler that chose another status (201 or 202 after a wait) keeps it.
      const status =
        reply.statusCode === 200 ? (target.status ?? (target.answerKind === "empty" ? 204 : 200)) : reply.statusCode;
      if (target.answerKind === "empty") return reply.status(status).send();
      return reply.status(status).send(result);
    },
  });
}

const octetStream = "application/octet-stream";

/**
 * Makes `scope` leave every request body unread, whatever its content type, for its "stream" routes to read from the
 * request as it arrives (Fastify's parsers would read it whole first). Register those routes in a scope of their own.
 */
export function acceptStreamedBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
}

/** A bytes route's body: Fastify parses no empty body, which is how an empty file arrives. */
function bytesOf(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (!Buffer.isBuffer(body)) {
    throw new DirectorError("VALIDATION_FAILED", `Send the bytes as ${octetStream}.`);
  }
  return body;
}

/** What a server adds to a route beyond the table: hooks (a rate limit), a body limit. */
export type RouteServerOptions = Pick<RouteOptions, "preHandler" | "bodyLimit">;

/** How an app checks one kind of caller; it throws the refusal (AUTH_REQUIRED, FORBIDDEN, INTERNAL_AUTH_INVALID). */
export type CallerCheck = (request: FastifyRequest) => Promise<void>;

/** A registered route and who may call it. */
export interface DeclaredRoute {
  method: string;
  url: string;
  caller: RouteCaller;
}

const declaredRoutesKey = Symbol.for("director.declaredRoutes");
type WithDeclaredRoutes = FastifyInstance & { [declaredRoutesKey]?: DeclaredRoute[] };

/**
 * Makes every route of `app` declare its caller (registration fails otherwise) and checks it on each request, in
 * `onRequest`, before the body is even read. Call it before any route is registered. A caller with no check here
 * refuses every request: a route of a kind this app does not serve can never be reached.
 */
export function requireDeclaredCallers(
  app: FastifyInstance,
  checks: Partial<Record<Exclude<RouteCaller, "public">, CallerCheck>>,
): void {
  const routes: DeclaredRoute[] = [];
  (app as WithDeclaredRoutes)[declaredRoutesKey] = routes;
  app.addHook("onRoute", (options) => {
    const caller = (options.config as { caller?: RouteCaller } | undefined)?.caller;
    if (caller === undefined) {
      throw new Error(`The route ${String(options.method)} ${options.url} declares no caller (contracts/route.ts).`);
    }
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    for (const method of methods) routes.push({ method: String(method), url: options.url, caller });
  });
  app.addHook("onRequest", async (request) => {
    const caller = request.routeOptions.config.caller;
    // No route matched: the not-found handler answers, and reads nothing of the request.
    if (caller === undefined || caller === "public") return;
    const check = checks[caller];
    if (check === undefined) throw new DirectorError("FORBIDDEN", `This server serves no ${caller} routes.`);
    await check(request);
  });
}

/** Every route `app` serves with its declared caller (for the tests that walk them). */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return (app as WithDeclaredRoutes)[declaredRoutesKey] ?? [];
}
