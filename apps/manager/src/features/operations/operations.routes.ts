import { setTimeout as sleep } from "node:timers/promises";
import { idParamsSchema } from "@director/contracts/manager-params";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import { presentOperation } from "../sites/sites.presenter.js";

const streamPollIntervalMs = 250;
/** A stream idles out after this long, so a stuck operation cannot hold a connection forever. */
const streamMaxDurationMs = 10 * 60 * 1000;

/**
 * GET /api/operations/:id — an operation and its steps, for whoever started it, the site's members and admins.
 * GET /api/operations/:id/events — the same as Server-Sent Events: one `operation` event now and one at every
 * change, ending after the one that reports it finished (`curl -N`, or EventSource in a browser).
 */
export function registerOperationRoutes(
  app: FastifyInstance,
  deps: {
    auth: AuthService;
    operations: Pick<OperationsRepository, "findById">;
    sites: Pick<SitesRepository, "isMember">;
  },
): void {
  const findVisible = async (request: FastifyRequest) => {
    const actor = await authenticate(deps.auth, request);
    const { id } = idParamsSchema.parse(request.params);
    const operation = await deps.operations.findById(id);
    const isVisible =
      operation !== null &&
      (actor.isSuperuser ||
        operation.createdBy === actor.id ||
        (operation.siteId !== null && (await deps.sites.isMember(operation.siteId, actor.id))));
    if (!operation || !isVisible) {
      throw new DirectorError("OPERATION_NOT_FOUND", `There is no operation ${id} that you can see.`);
    }
    return operation;
  };

  app.get("/api/operations/:id", async (request) => presentOperation(await findVisible(request)));

  app.get("/api/operations/:id/events", async (request, reply) => {
    let operation = await findVisible(request);
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no", // nginx in front must not buffer the stream
    });
    let isOpen = true;
    request.raw.on("close", () => {
      isOpen = false;
    });
    // Polling the database keeps this right whichever process runs the worker; a realtime bus can replace it.
    const deadline = Date.now() + streamMaxDurationMs;
    let lastSent = "";
    try {
      while (isOpen && Date.now() < deadline) {
        const view = JSON.stringify(presentOperation(operation));
        if (view !== lastSent) {
          stream.write(`event: operation\ndata: ${view}\n\n`);
          lastSent = view;
        }
        if (operation.status === "succeeded" || operation.status === "failed") break;
        await sleep(streamPollIntervalMs);
        operation = (await deps.operations.findById(operation.id)) ?? operation;
      }
    } catch (error) {
      request.log.warn({ err: error }, "operation stream interrupted");
      stream.write(`event: error\ndata: ${JSON.stringify({ code: "DATABASE_UNAVAILABLE" })}\n\n`);
    } finally {
      stream.end();
    }
  });
}
