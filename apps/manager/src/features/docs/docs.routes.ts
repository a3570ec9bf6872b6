import { docsRoutes } from "@director/contracts/manager-routes";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance, FastifyReply } from "fastify";
import { contentsDocument, notFoundDocument, pageDocument, searchDocument } from "./docs-html.js";
import type { DocsLibrary } from "./docs-library.js";

/** Pages change only with a new release (they are read at start): browsers may keep them a few minutes. */
const cacheControl = "public, max-age=300";

function sendHtml(reply: FastifyReply, html: string, status = 200) {
  return reply.status(status).header("cache-control", cacheControl).type("text/html; charset=utf-8").send(html);
}

/**
 * GET /docs (the contents), /docs/:page, /docs/search?q= : the user guide, public, as HTML documents; and
 * /docs/images/:file, its pictures.
 */
export function registerDocsRoutes(app: FastifyInstance, library: DocsLibrary): void {
  registerRoute(app, docsRoutes.index, async ({ reply }) => {
    const index = library.page("index");
    return sendHtml(reply, index ? pageDocument(library, index) : contentsDocument(library));
  });

  registerRoute(app, docsRoutes.search, async ({ query, reply }) =>
    sendHtml(reply, searchDocument(library, query.q, library.search(query.q))),
  );

  registerRoute(app, docsRoutes.image, async ({ params, reply }) => {
    const image = library.image(params.file);
    if (image === null) return sendHtml(reply, notFoundDocument(library, params.file), 404);
    return reply.header("cache-control", cacheControl).type("image/png").send(image);
  });

  registerRoute(app, docsRoutes.page, async ({ params, reply }) => {
    // the contents has its own address, /docs
    if (params.page === "index") return reply.redirect("/docs", 301);
    const page = library.page(params.page);
    return page
      ? sendHtml(reply, pageDocument(library, page))
      : sendHtml(reply, notFoundDocument(library, params.page), 404);
  });
}
