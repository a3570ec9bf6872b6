import type { OrchestratorInventory } from "@director/contracts/orchestrator-inventory";
import type { RouterInventory } from "@director/contracts/router-api";
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import type { SiteHost } from "../operations/site-host.js";

/** What the machines that host sites report they have (the orchestrator's and router's inventory routes). */
export interface HostInventory {
  /** every site the orchestrator has anything of, or only `siteId` */
  orchestratorInventory(siteId?: SiteId): Promise<OrchestratorInventory>;
  routerInventory(): Promise<RouterInventory>;
  /** every certificate the router keeps */
  certificateInventory(): Promise<CertificateInventory>;
}

/** The router's certificates, by domain. */
export type CertificateInventory = readonly { domain: string; notAfter: string | null }[];

/** How the reconciler removes leftovers with no site row; every call is idempotent. */
export interface LeftoverRemoval
  extends Pick<SiteHost, "removeService" | "removeBalancer" | "removeRoute" | "removeImages" | "removeCertificate"> {
  /** removes a route file named by site name, left from before routes were keyed by site id */
  removeLegacyRoute(siteName: SiteName): Promise<void>;
}
