import { domainRoutes } from "@director/contracts/manager-routes-domains";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { waitForOperation } from "../operations/wait-for-operation.js";
import { presentOperation } from "../sites/sites.presenter.js";
import { type DomainPresentation, presentDomain } from "./domains.presenter.js";
import type { DomainsService } from "./domains.service.js";

/** How long `?wait=true` waits for the serving operation. */
const waitTimeoutMs = 60_000;

/**
 * GET/POST /api/sites/:name/domains, DELETE /api/sites/:name/domains/:domain, POST …/:domain/retry (members; anyone
 * who sees the site lists them), GET /api/admin/domains (administrators).
 */
export function registerDomainRoutes(
  app: FastifyInstance,
  deps: {
    domains: DomainsService;
    operations: Pick<OperationsRepository, "findById">;
    presentation: DomainPresentation;
  },
): void {
  const { domains, operations, presentation } = deps;

  registerApiRoute(app, domainRoutes.list, async ({ actor, params }) => {
    const listed = await domains.list(actor, params.name);
    return { domains: listed.domains.map((record) => presentDomain(record, presentation)) };
  });

  registerApiRoute(app, domainRoutes.add, async ({ actor, params, query, body }) => {
    const added = await domains.add(actor, params.name, body.domain);
    const queued = added.operation;
    const operation =
      queued !== null && query.wait === "true" ? await waitForOperation(operations, queued, waitTimeoutMs) : queued;
    return {
      domain: presentDomain(added.domain, presentation),
      operation: operation === null ? null : presentOperation(operation),
    };
  });

  registerApiRoute(app, domainRoutes.remove, async ({ actor, params, query, reply }) => {
    const queued = await domains.remove(actor, params.name, params.domain);
    const operation =
      queued !== null && query.wait === "true" ? await waitForOperation(operations, queued, waitTimeoutMs) : queued;
    reply.status(operation?.status === "succeeded" ? 200 : 202);
    return { operation: operation === null ? null : presentOperation(operation) };
  });

  registerApiRoute(app, domainRoutes.retry, async ({ actor, params }) => ({
    domain: presentDomain(await domains.retry(actor, params.name, params.domain), presentation),
  }));

  registerApiRoute(app, domainRoutes.listAll, async () => ({
    domains: (await domains.listAll()).map(({ siteName, ...record }) => ({
      ...presentDomain(record, presentation),
      site: siteName,
    })),
  }));
}
