/**
 * Calling a route of the manager's table (packages/contracts/src/manager-routes.ts) by its group and name: the path
 * and method come from manager-paths.ts (the one place they are written), the types of parameters, bodies and answers
 * from the table itself. Only types of the table reach this bundle: manager-paths.ts and route.ts carry no zod.
 */
import { managerPaths } from "@director/contracts/manager-paths";
import type { ManagerApi } from "@director/contracts/manager-routes";
import { routePath } from "@director/contracts/route";
import type { z } from "zod";
import type { Http, QueryValue } from "./http";

type Group = keyof typeof managerPaths & keyof ManagerApi;
type Name<G extends Group> = keyof (typeof managerPaths)[G] & keyof ManagerApi[G] & string;
type RouteAt<G extends Group, N extends Name<G>> = ManagerApi[G][N];

/** The input type of one part of a route (`params`, `query`, `body`), or never when the route has none. */
type PartOf<R, K extends string> = R extends { [P in K]: infer S } ? (S extends z.ZodType ? z.input<S> : never) : never;

/** What a route answers when it succeeds: its JSON, or nothing. */
export type AnswerOf<R> = R extends { answer: infer S } ? (S extends z.ZodType ? z.output<S> : undefined) : undefined;

/** A call's parts, typed by its route. */
export interface CallInput<R> {
  params?: PartOf<R, "params">;
  query?: PartOf<R, "query">;
  /** the JSON body */
  json?: PartOf<R, "body">;
  /** raw bytes (a file upload) */
  body?: Blob | ArrayBuffer;
  signal?: AbortSignal;
}

/** The path of a route with its parameters filled in (for links: a download, an event stream). */
export function routeUrl<G extends Group, N extends Name<G>>(
  group: G,
  name: N,
  params?: PartOf<RouteAt<G, N>, "params">,
): string {
  const target = managerPaths[group][name] as { path: string };
  return routePath(target, (params ?? {}) as Record<string, unknown>);
}

/** Calls the route `group.name` over `http` and resolves with its answer. */
export function callRoute<G extends Group, N extends Name<G>>(
  http: Http,
  group: G,
  name: N,
  input: CallInput<RouteAt<G, N>> = {},
): Promise<AnswerOf<RouteAt<G, N>>> {
  const { method } = managerPaths[group][name] as { method: string };
  return http.request<AnswerOf<RouteAt<G, N>>>(method, routeUrl(group, name, input.params), {
    ...(input.query === undefined ? {} : { query: input.query as Record<string, QueryValue> }),
    ...(input.json === undefined ? {} : { json: input.json }),
    ...(input.body === undefined ? {} : { body: input.body }),
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  });
}
