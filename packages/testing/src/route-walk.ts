/**
 * Walks the routes an app serves (http-kit `declaredRoutes`) against its route table (contracts/route.ts), for the
 * tests that prove a server serves exactly its table, each route with the caller the table declares.
 */
import type { Route, RouteTable } from "@director/contracts/route";
import { declaredRoutes } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import { injectRoute } from "./inject-route.js";

/** One served route as `METHOD path caller`. */
export type RouteLine = string;

/** Each route `app` serves and each route of `table`, as lines; equal lists mean the app serves exactly its table. */
export function servedAndDeclared(
  app: FastifyInstance,
  table: RouteTable,
): { served: RouteLine[]; table: RouteLine[] } {
  const served = declaredRoutes(app)
    // Fastify answers HEAD for every GET route by itself, with the GET route's options (its caller too).
    .filter((route) => route.method !== "HEAD")
    .map((route) => `${route.method} ${route.url} ${route.caller}`);
  const declared = Object.values(table).map((route) => `${route.method} ${route.path} ${route.caller}`);
  return { served: served.sort(), table: declared.sort() };
}

/**
 * Calls every route `app` serves (HEAD included) with `headers` and no parameters worth the name: what each answers,
 * as `METHOD path → status code`. A caller check runs before anything of the request is read, so the parameters
 * do not matter to a refusal.
 */
export async function answersOfEveryRoute(
  app: FastifyInstance,
  headers: Record<string, string>,
): Promise<Array<{ route: RouteLine; status: number; code: string | null }>> {
  const answers = [];
  for (const route of declaredRoutes(app)) {
    const params = Object.fromEntries(
      [...route.url.matchAll(/:([A-Za-z0-9_]+)|\*$/g)].map((match) => [match[1] ?? "*", "1"]),
    );
    const target = { method: route.method as Route["method"], path: route.url };
    const answer = await injectRoute(app, target, { params, headers });
    const code = answer.body === "" ? null : ((answer.json() as { error?: { code?: string } }).error?.code ?? null);
    answers.push({ route: `${route.method} ${route.url} ${route.caller}`, status: answer.statusCode, code });
  }
  return answers;
}

/** The routes every internal API serves to anyone (the probes, contracts/internal-health.ts), as answersOfEveryRoute names them. */
export const openProbeRoutes: readonly RouteLine[] = ["GET", "HEAD"].flatMap((method) =>
  ["/health", "/healthz", "/readyz"].map((path) => `${method} ${path} public`),
);
