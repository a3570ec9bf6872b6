import { orchestratorApiPrefix, siteServiceRequestSchema } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { parseImageRef } from "@director/domain/image-ref";
import { parseSiteName } from "@director/domain/site-name";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SiteServices } from "../core/site-services.js";
import { siteIdOf } from "./site-routes.js";

const logsQuerySchema = z.object({
  tailLines: z.coerce.number().int().min(0).max(1000).default(100),
  follow: z.enum(["true", "false"]).default("false"),
});

/**
 * PUT/DELETE/GET /sites/:id/service, POST /sites/:id/service/restart and GET /sites/:id/logs (contracts/
 * orchestrator-api.ts). `services` null (no Docker engine at start): each answers 503 DOCKER_UNAVAILABLE.
 */
export function registerServiceRoutes(
  app: FastifyInstance,
  deps: { services: SiteServices | null; refusal?: DirectorError | null },
): void {
  const site = `${orchestratorApiPrefix}/sites/:id`;
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

  app.put(`${site}/service`, async (request, reply) => {
    const id = siteIdOf(request);
    const body = siteServiceRequestSchema.parse(request.body);
    if (body.id !== id) {
      throw new DirectorError("VALIDATION_FAILED", `The body is for site ${body.id} but the path names site ${id}.`, {
        details: { fields: { id: "must equal the id in the path" } },
      });
    }
    parseSiteName(body.name);
    await servicesOrThrow().upsert(id, {
      isEnabled: body.isEnabled,
      limits: body.limits,
      env: body.env,
      ...(body.image === undefined ? {} : { image: parseImageRef(body.image) }),
    });
    return reply.status(204).send();
  });

  app.delete(`${site}/service`, async (request, reply) => {
    const id = siteIdOf(request);
    await servicesOrThrow().remove(id);
    return reply.status(204).send();
  });

  // Every image of the site (reconcile's leftovers): what a container still holds goes once it is gone.
  app.delete(`${site}/images`, async (request, reply) => {
    await servicesOrThrow().removeImages(siteIdOf(request));
    return reply.status(204).send();
  });

  app.post(`${site}/service/restart`, async (request, reply) => {
    const id = siteIdOf(request);
    // Answers once the new process runs (or is still starting at the deadline): its status.
    return reply.status(200).send(await servicesOrThrow().restart(id));
  });

  app.get(`${site}/service`, async (request) => {
    const id = siteIdOf(request);
    return servicesOrThrow().status(id);
  });

  app.get(`${site}/logs`, async (request, reply) => {
    const id = siteIdOf(request);
    const { tailLines, follow } = logsQuerySchema.parse(request.query);
    if (follow === "false") return { lines: await servicesOrThrow().logLines(id, tailLines) };
    // Following: one JSON object per line ({"text": …}, application/x-ndjson) until the caller hangs up, which
    // destroys the Docker log stream at once (also when it hung up before this line).
    const closed = new AbortController();
    const callerGone = signalWhenClientGoes(reply.raw);
    const close = () => closed.abort();
    if (callerGone.aborted) {
      reply.hijack(); // nobody to answer: nothing is opened
      return;
    }
    callerGone.addEventListener("abort", close, { once: true });
    // Opened before the answer starts, so that a site without a process gets a normal error answer.
    const lines = await servicesOrThrow().followLogLines(id, tailLines, closed.signal);
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
    // Headers now, not with the first line: a quiet process must not look like a component that does not answer.
    reply.raw.flushHeaders();
    try {
      for await (const text of lines) reply.raw.write(`${JSON.stringify({ text })}\n`);
    } catch (error) {
      request.log.warn({ err: error, siteId: id }, "following a site's log failed");
    } finally {
      callerGone.removeEventListener("abort", close);
      close();
      reply.raw.end();
    }
  });
}
