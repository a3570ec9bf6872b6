import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteServices } from "../core/site-services.js";

/**
 * A dynamic site's service, its status, restart and logs, and the removal of its images
 * (contracts/orchestrator-services.ts). `services` null (no Docker engine at start): each answers 503
 * DOCKER_UNAVAILABLE; `refusal` (an engine that would run sites unsafely): each answers it.
 */
export function registerServiceRoutes(
  app: FastifyInstance,
  deps: { services: SiteServices | null; refusal?: DirectorError | null },
): void {
  const servicesOrThrow = (): SiteServices => {
    if (deps.refusal) throw deps.refusal;
    if (deps.services === null) {
      throw new DirectorError(
        "DOCKER_UNAVAILABLE",
        "Dynamic sites are unavailable: the orchestrator started without a reachable Docker engine.",
      );
    }
    return deps.services;
  };

  registerRoute(app, orchestratorApi.upsertService, async ({ params, body }) => {
    await servicesOrThrow().upsert(params.id, {
      isEnabled: body.isEnabled,
      limits: body.limits,
      env: body.env,
      ...(body.image === undefined ? {} : { image: body.image }),
    });
  });

  registerRoute(app, orchestratorApi.removeService, async ({ params }) => {
    await servicesOrThrow().remove(params.id);
  });

  // Every image of the site (reconcile's leftovers): what a container still holds goes once it is gone.
  registerRoute(app, orchestratorApi.removeSiteImages, async ({ params }) => {
    await servicesOrThrow().removeImages(params.id);
  });

  // Answers once the new process runs (or is still starting at the deadline): its status.
  registerRoute(app, orchestratorApi.restartService, async ({ params }) => servicesOrThrow().restart(params.id));

  registerRoute(app, orchestratorApi.serviceStatus, async ({ params }) => servicesOrThrow().status(params.id));

  registerRoute(app, orchestratorApi.siteLogs, async ({ params, query }) => ({
    lines: await servicesOrThrow().logLines(params.id, query.tailLines),
  }));

  // One JSON object per line ({"text": …}, application/x-ndjson) until the caller hangs up, which destroys the
  // Docker log stream at once (also when it hung up before this line).
  registerRoute(app, orchestratorApi.followSiteLogs, async ({ params, query, request, reply }) => {
    const closed = new AbortController();
    const callerGone = signalWhenClientGoes(reply.raw);
    const close = () => closed.abort();
    if (callerGone.aborted) {
      reply.hijack(); // nobody to answer: nothing is opened
      return;
    }
    callerGone.addEventListener("abort", close, { once: true });
    // Opened before the answer starts, so that a site without a process gets a normal error answer.
    const lines = await servicesOrThrow().followLogLines(params.id, query.tailLines, closed.signal);
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
    // Headers now, not with the first line: a quiet process must not look like a component that does not answer.
    reply.raw.flushHeaders();
    try {
      for await (const text of lines) reply.raw.write(`${JSON.stringify({ text })}\n`);
    } catch (error) {
      request.log.warn({ err: error, siteId: params.id }, "following a site's log failed");
    } finally {
      callerGone.removeEventListener("abort", close);
      close();
      reply.raw.end();
    }
  });
}
