import type { SiteVariableView } from "@director/contracts/manager-routes-site-variables";
import { siteVariableRoutes } from "@director/contracts/manager-routes-site-variables";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteVariableRecord } from "@director/domain/site-variable";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { waitForOperation } from "../operations/wait-for-operation.js";
import { presentOperation } from "../sites/sites.presenter.js";
import type { SiteVariablesService } from "./site-variables.service.js";

/** How long `?wait=true` waits for the process to restart with its variables. */
const waitTimeoutMs = 120_000;

/** A variable as members see it: a secret's value never leaves the manager. */
export function presentSiteVariable(variable: SiteVariableRecord): SiteVariableView {
  return {
    name: variable.name,
    value: variable.isSecret ? null : variable.value,
    isSecret: variable.isSecret,
    updatedAt: variable.updatedAt.toISOString(),
  };
}

/**
 * GET /api/sites/:name/variables and PUT (the whole set); the PUT of a dynamic site queues the restart, takes
 * `?wait=true` and answers 202 until it has succeeded.
 */
export function registerSiteVariableRoutes(
  app: FastifyInstance,
  deps: { variables: SiteVariablesService; operations: Pick<OperationsRepository, "findById"> },
): void {
  registerApiRoute(app, siteVariableRoutes.list, async ({ actor, params }) => ({
    variables: (await deps.variables.list(actor, params.name)).map(presentSiteVariable),
  }));

  registerApiRoute(app, siteVariableRoutes.replace, async ({ actor, params, query, body, reply }) => {
    const replaced = await deps.variables.replace(actor, params.name, body.variables);
    let operation = replaced.operation;
    if (operation !== null && query.wait === "true") {
      operation = await waitForOperation(deps.operations, operation, waitTimeoutMs);
    }
    reply.status(operation === null || operation.status === "succeeded" ? 200 : 202);
    return {
      variables: replaced.variables.map(presentSiteVariable),
      operation: operation === null ? null : presentOperation(operation),
    };
  });
}
