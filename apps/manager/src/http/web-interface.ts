import { existsSync } from "node:fs";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

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
 * opens the right page. Unknown /api paths and missing files keep the API's JSON 404.
 */
export async function registerWebInterface(app: FastifyInstance, distDir: string | null): Promise<void> {
  if (distDir === null || !existsSync(path.join(distDir, "index.html"))) {
    app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(notBuiltPage));
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    // One route per file found now (dist is built before the manager starts); the catch-all below is ours.
    wildcard: false,
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      const isHashedAsset = filePath.split(path.sep).includes("assets");
      reply.header("cache-control", isHashedAsset ? immutableCache : revalidateCache);
    },
  });
  app.get("/*", async (request, reply) => {
    const pathname = request.url.split("?")[0] ?? "/";
    const lastSegment = pathname.slice(pathname.lastIndexOf("/") + 1);
    if (pathname === "/api" || pathname.startsWith("/api/") || lastSegment.includes(".")) {
      throw new DirectorError("NOT_FOUND", `No route ${request.method} ${pathname}.`);
    }
    return reply.header("cache-control", revalidateCache).type("text/html; charset=utf-8").sendFile("index.html");
  });
}
