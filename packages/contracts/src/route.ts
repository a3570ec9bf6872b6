/**
 * A route of one of Director's HTTP APIs, written once: the servers register it (http-kit `registerRoute`), the
 * clients call it (http-kit `InternalClient.call`, the web app's `callRoute`) and tests walk the tables. No path of an
 * API is written anywhere else. Schemas are zod; where a value is a domain value (a site name, a site id) the schema
 * is built from its domain parser, so the handler receives the branded value.
 */
import type { z } from "zod";

/**
 * Who may call a route. Each server enforces the callers of its own API (http-kit `requireDeclaredCallers`), before
 * anything of the request is parsed:
 * - `public`: anyone;
 * - `person`: a logged-in account that accepted the current guidelines (the manager's ordinary routes);
 * - `person-before-guidelines`: a logged-in account, accepted or not (who am I, logout, the guidelines themselves);
 * - `admin`: a logged-in administrator;
 * - `metrics`: Prometheus with the metrics token;
 * - `internal`: another Director component with this API's token (orchestrator and router APIs).
 */
export type RouteCaller = "public" | "person" | "person-before-guidelines" | "admin" | "metrics" | "internal";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * What a route answers when it succeeds: JSON checked by `answer`, nothing (204), bytes (a file), or a stream the
 * handler writes itself (Server-Sent Events, NDJSON, a WebSocket).
 */
export type AnswerKind = "json" | "empty" | "bytes" | "stream";

/** One route; build it with `route()` so that its types are kept exactly. */
export interface Route<
  Params extends z.ZodType | undefined = z.ZodType | undefined,
  Query extends z.ZodType | undefined = z.ZodType | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Answer extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Fastify's syntax: `/api/sites/:name`, a trailing `*` for the rest of the path */
  path: string;
  caller: RouteCaller;
  params?: Params;
  query?: Query;
  /**
   * a JSON body; routes that take raw bytes say `bodyKind: "bytes"` and leave this out, as do routes whose handler
   * reads the request's body itself as it arrives (`bodyKind: "stream"`: an upload too large to hold in memory)
   */
  body?: Body;
  bodyKind?: "json" | "bytes" | "stream";
  /** the answer's shape when `answerKind` is json */
  answer?: Answer;
  answerKind: AnswerKind;
  /** the status of a success (default 200, 204 for empty answers) */
  status?: number;
  /** one line for the route walk's listing and the docs */
  summary: string;
}

/** Declares a route, keeping its literal types (the path, the schemas) for the server and the clients. */
export function route<const R extends Route>(definition: R): R {
  return definition;
}

/** The parsed (output) type of a route part, or undefined when the route has none. */
export type RouteInput<S> = S extends z.ZodType ? z.input<S> : undefined;
export type RouteOutput<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * The path of `target` with its parameters filled in, each percent-encoded (a `*` parameter keeps its slashes, each
 * segment encoded); throws when one is missing, so that a client never calls a path with a hole.
 */
export function routePath(target: Pick<Route, "path">, params: Record<string, unknown> = {}): string {
  return target.path.replace(/:([A-Za-z0-9_]+)|\*$/g, (_token, name: string | undefined) => {
    const key = name ?? "*";
    const value = params[key];
    if (value === undefined || value === null || (name !== undefined && value === "")) {
      throw new Error(`The path ${target.path} needs its ${key} parameter.`);
    }
    const text = String(value);
    return name === undefined ? text.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(text);
  });
}

/** A query string (with its `?`, or "" when empty) from a route's query object; undefined values are left out. */
export function routeQueryString(query: Record<string, unknown> | undefined): string {
  if (query === undefined) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    // An array is the key repeated (`?folder=a&folder=b`), as the servers' query parser reads it.
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else if (value !== undefined && value !== null) search.set(key, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** A route table: routes by name, for a server to register and a test to walk. */
export type RouteTable = Readonly<Record<string, Route>>;
