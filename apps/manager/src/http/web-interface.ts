import { existsSync } from "node:fs";
import path from "node:path";
import { webRoutes } from "@director/contracts/manager-routes";
import { DirectorError } from "@director/domain/errors";
import { registerRoute } from "@director/http-kit/routes";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Hashed file names (Vite's `assets/name-HASH.ext`) never change content: browsers keep them for a year. */
const immutableCache = "public, max-age=31536000, immutable";
/** index.html names the current hashed assets, so browsers must revalidate it every time. */
const revalidateCache = "no-cache";

/** Shown at `/` when the web interface has not been built (a checkout without `scripts/setup-host.sh --web`). */
const notBuiltPage = `<!doctype html><html lang=en><head><meta charset=utf-8><title>Director</title></head>
<body><h1>Director is running</h1><p>The web interface has not been built on this machine: run
<code>scripts/setup-host.sh --web</code> (or <code>./director up</code>, which does it) and restart. The JSON API
is under <code>/api</code>; the README lists its routes.</p></body></html>
`;

/**
 * Serves the web interface (apps/manager-web/dist) at `/`: its files with cache headers, and index.html for
 * every other GET that is not under /api (client-side routes such as /sites/blog), so a reload or a shared link
 * opens the right page. Unknown /api paths and missing files keep the API's JSON 404. Both routes are in the route
 * table (contracts/manager-routes.ts) as public; @fastify/static only lends `sendFile` (it registers no route).
 */
export async function registerWebInterface(app: FastifyInstance, distDir: string | null): Promise<void> {
  if (distDir === null || !existsSync(path.join(distDir, "index.html"))) {
    registerRoute(app, webRoutes.home, async ({ reply }) => reply.type("text/html; charset=utf-8").send(notBuiltPage));
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    serve: false,
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      const isHashedAsset = filePath.split(path.sep).includes("assets");
      reply.header("cache-control", isHashedAsset ? immutableCache : revalidateCache);
    },
  });
  const sendIndex = (reply: FastifyReply) =>
    reply.header("cache-control", revalidateCache).type("text/html; charset=utf-8").sendFile("index.html");
  registerRoute(app, webRoutes.home, async ({ reply }) => sendIndex(reply));
  registerRoute(app, webRoutes.page, async ({ request, reply }) => {
    const pathname = request.url.split("?")[0] ?? "/";
    const lastSegment = pathname.slice(pathname.lastIndexOf("/") + 1);
    if (pathname === "/api" || pathname.startsWith("/api/")) {
      throw new DirectorError("NOT_FOUND", `No route ${request.method} ${pathname}.`);
    }
    // A file of the build (send refuses `..` and anything outside dist); a missing one is the API's JSON 404.
    if (lastSegment.includes(".")) return reply.sendFile(decodeURIComponent(pathname.slice(1)));
    return sendIndex(reply);
  });
}
