import type { OrchestratorInventory } from "@director/contracts/orchestrator-inventory";
import type { RouterInventory } from "@director/contracts/router-api";
import type { SiteId } from "@director/domain/site";

/** What the machines that host sites report they have (the orchestrator's and router's inventory routes). */
export interface HostInventory {
  /** every site the orchestrator has anything of, or only `siteId` */
  orchestratorInventory(siteId?: SiteId): Promise<OrchestratorInventory>;
  routerInventory(): Promise<RouterInventory>;
}
