/**
 * Bringing sites made before each site had its own account up to date, once, at the orchestrator's start (issue 8):
 * their directories were root's and 0755 (readable by every local account), their files the shared uid 1000's, and
 * their services ran as 1000. Each site's tree is given to its own account first, then its service is told to run as
 * that account (which replaces its task), so that the process never finds files it cannot write. Sites made since
 * are left alone at the cost of one fstat each; a site that fails is logged and tried again at the next start.
 */
import type { SiteId } from "@director/domain/site";
import type { Logger } from "pino";
import type { SiteDirectories } from "./ports.js";
import type { ServiceInventory, ServiceRuntime } from "./service-runtime.js";
import type { SiteUser } from "./site-user.js";

/** What the upgrade needs. */
export interface SiteAccountsUpgradeDeps {
  directories: Pick<SiteDirectories, "list" | "adopt">;
  /** null: no Docker engine (static sites only): directories alone */
  services: (Pick<ServiceRuntime, "setProcessUser"> & ServiceInventory) | null;
  siteUserOf: (id: SiteId) => SiteUser;
  log: Pick<Logger, "info" | "warn">;
}

/** What the upgrade did, for the log and tests. */
export interface SiteAccountsUpgrade {
  adoptedDirectories: SiteId[];
  updatedServices: SiteId[];
  failed: SiteId[];
}

/** Gives every legacy site directory and service to its site's own account. */
export async function upgradeToSiteAccounts(deps: SiteAccountsUpgradeDeps): Promise<SiteAccountsUpgrade> {
  const result: SiteAccountsUpgrade = { adoptedDirectories: [], updatedServices: [], failed: [] };
  const services = deps.services === null ? [] : await deps.services.listServices();
  const serviceUsers = new Map(services.map((service) => [service.siteId, service.user]));
  for (const id of await deps.directories.list()) {
    try {
      if (await deps.directories.adopt(id)) result.adoptedDirectories.push(id);
      const user = deps.siteUserOf(id);
      const current = serviceUsers.get(id);
      if (deps.services !== null && current !== undefined && current !== `${user.uid}:${user.gid}`) {
        await deps.services.setProcessUser(id, user);
        result.updatedServices.push(id);
      }
    } catch (error) {
      result.failed.push(id);
      deps.log.warn({ err: error, siteId: id }, "could not give the site its own account; tried again at next start");
    }
  }
  if (result.adoptedDirectories.length > 0 || result.updatedServices.length > 0) {
    deps.log.info(
      { directories: result.adoptedDirectories.length, services: result.updatedServices.length },
      "gave sites made before per-site accounts their own account",
    );
  }
  return result;
}
