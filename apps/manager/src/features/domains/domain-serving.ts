/** Queueing the operation that serves a site's domains as the database lists them (members' changes, the checker). */
import type { OperationsRepository } from "@director/db/operations.repository";
import type { Actor } from "@director/domain/actor";
import type { CustomDomain } from "@director/domain/custom-domain";
import type { Operation } from "@director/domain/operation";
import type { SiteRecord as Site } from "@director/domain/site";
import { domainOperationInputSchema } from "../operations/domain-steps.js";
import { operationPlans } from "../operations/operation-plans.js";

/**
 * The operation that makes the balancer serve the site's domains as the database now lists them: a new one, or the
 * site's pending one with this change joined to its input; null when the site runs another operation.
 */
export function queueServing(
  operations: Pick<OperationsRepository, "queueOrJoin">,
  actor: Actor | null,
  site: Pick<Site, "id" | "name">,
  change: { added: CustomDomain } | { removed: CustomDomain },
): Promise<Operation | null> {
  const own = { added: "added" in change ? [change.added] : [], removed: "removed" in change ? [change.removed] : [] };
  return operations.queueOrJoin(
    {
      siteId: site.id,
      siteName: site.name,
      kind: "update_domains",
      createdBy: actor?.id ?? null,
      steps: operationPlans.update_domains.map(({ slug, name }) => ({ slug, name })),
      input: own,
    },
    (pending) => {
      const before = domainOperationInputSchema.parse(pending ?? {});
      return { added: [...before.added, ...own.added], removed: [...before.removed, ...own.removed] };
    },
  );
}
