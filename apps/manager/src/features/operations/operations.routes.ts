import { setTimeout as sleep } from "node:timers/promises";
import { operationRoutes } from "@director/contracts/manager-routes-sites";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { presentOperation } from "../sites/sites.presenter.js";
import { canViewOperation } from "./operations.policy.js";

const streamPollIntervalMs = 250;
/** A stream idles out after this long, so a stuck operation cannot hold a connection forever. */
const streamMaxDurationMs = 10 * 60 * 1000;

/**
 * GET /api/operations/:id — an operation and its steps, for those who may view its site (its members, administrators;
 * operations.policy.ts), and for whoever started it once its site is gone.
 * GET /api/operations/:id/events — the same as Server-Sent Events: one `operation` event now and one at every
 * change, ending after the one that reports it finished (`curl -N`, or EventSource in a browser); an `error` event
 * (OPERATION_NOT_FOUND) ends it when the caller may no longer see it.
 */
export function registerOperationRoutes(
  app: FastifyInstance,
  deps: {
    operations: Pick<OperationsRepository, "findById">;
    sites: Pick<SitesRepository, "isMember" | "findById">;
  },
): void {
  const isVisible = async (actor: Actor, operation: Operation): Promise<boolean> => {
    if (actor.isSuperuser || operation.siteId === null) return canViewOperation(actor, operation, null);
    const site = await deps.sites.findById(operation.siteId);
    const facts = site && {
      purpose: site.purpose,
      availability: site.availability,
      isMember: await deps.sites.isMember(site.id, actor.id),
    };
    return canViewOperation(actor, operation, facts);
  };
  const findVisible = async (actor: Actor, id: number) => {
    const operation = await deps.operations.findById(id);
    if (!operation || !(await isVisible(actor, operation))) {
      throw new DirectorError("OPERATION_NOT_FOUND", `There is no operation ${id} that you can see.`);
    }
    return operation;
  };

  registerApiRoute(app, operationRoutes.get, async ({ actor, params }) =>
    presentOperation(await findVisible(actor, params.id)),
  );

  registerApiRoute(app, operationRoutes.events, async ({ actor, params, request, reply }) => {
    let operation = await findVisible(actor, params.id);
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
          // Asked again before each change is sent: a member removed from the site meanwhile learns no more.
          if (lastSent !== "" && !(await isVisible(actor, operation))) {
            stream.write(`event: error\ndata: ${JSON.stringify({ code: "OPERATION_NOT_FOUND" })}\n\n`);
            break;
          }
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
