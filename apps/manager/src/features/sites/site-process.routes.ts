import { siteParamsSchema } from "@director/contracts/manager-params";
import type { SiteLogs, SiteServiceStatus } from "@director/contracts/orchestrator-api";
import type { SiteId } from "@director/domain/site";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import type { SitesService } from "./sites.service.js";

/** Where a dynamic site's process can be looked at (the orchestrator that runs it). */
export interface SiteProcessReader {
  serviceStatus(siteId: SiteId): Promise<SiteServiceStatus>;
  logs(siteId: SiteId, tailLines: number): Promise<SiteLogs>;
  followLogs(siteId: SiteId, tailLines: number, signal: AbortSignal): Promise<AsyncIterable<string>>;
}

/** A comment line every so often keeps proxies and browsers from closing a quiet log stream. */
const heartbeatIntervalMs = 15_000;
/** A followed log ends after this long; the browser's EventSource reconnects by itself. */
const followMaxDurationMs = 60 * 60 * 1000;

const logsQuerySchema = z.object({ tailLines: z.coerce.number().int().min(1).max(1000).default(100) });
const followQuerySchema = z.object({ tailLines: z.coerce.number().int().min(0).max(1000).default(100) });

/**
 * GET /api/sites/:name/process (is it running, and if not, why), GET /api/sites/:name/logs?tailLines=N, and
 * GET /api/sites/:name/logs/events?tailLines=N: the same lines, then each new one live, as Server-Sent Events
 * (`event: line`, data `{"text": …}`; `event: end` when the process has none to give).
 */
export function registerSiteProcessRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; sites: SitesService; process: SiteProcessReader },
): void {
  app.get("/api/sites/:name/process", async (request) => {
    const actor = await authenticate(deps.auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const site = await deps.sites.findForAction(actor, name, "view");
    if (site.type === "static") {
      return { state: "absent", message: "A static site has no process: nginx serves its public/ files." };
    }
    return deps.process.serviceStatus(site.id);
  });

  app.get("/api/sites/:name/logs", async (request) => {
    const actor = await authenticate(deps.auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const { tailLines } = logsQuerySchema.parse(request.query);
    const site = await deps.sites.findForAction(actor, name, "view");
    if (site.type === "static") return { lines: [] };
    return deps.process.logs(site.id, tailLines);
  });

  app.get("/api/sites/:name/logs/events", async (request, reply) => {
    const actor = await authenticate(deps.auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const { tailLines } = followQuerySchema.parse(request.query);
    const site = await deps.sites.findForAction(actor, name, "view");
    const closed = new AbortController();
    request.raw.on("close", () => closed.abort());
    // Opened before the answer starts: a failure here is an ordinary JSON error answer.
    const lines = site.type === "static" ? null : await deps.process.followLogs(site.id, tailLines, closed.signal);
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no", // nginx in front must not buffer the stream
    });
    // Headers now, not with the first line: a quiet process must not look like a component that does not answer.
    stream.flushHeaders();
    const heartbeat = setInterval(() => stream.write(": still following\n\n"), heartbeatIntervalMs);
    const deadline = setTimeout(() => closed.abort(), followMaxDurationMs);
    try {
      if (lines === null) {
        stream.write(`event: end\ndata: ${JSON.stringify({ reason: "A static site has no process." })}\n\n`);
        return;
      }
      for await (const text of lines) stream.write(`event: line\ndata: ${JSON.stringify({ text })}\n\n`);
      if (!closed.signal.aborted) {
        stream.write(`event: end\ndata: ${JSON.stringify({ reason: "The site's process was removed." })}\n\n`);
      }
    } catch (error) {
      if (!closed.signal.aborted) {
        request.log.warn({ err: error }, "following a site's log failed");
        stream.write(`event: error\ndata: ${JSON.stringify({ code: "COMPONENT_UNREACHABLE" })}\n\n`);
      }
    } finally {
      clearInterval(heartbeat);
      clearTimeout(deadline);
      closed.abort();
      stream.end();
    }
  });
}
