/** What an operation's step is, and what it may use (operation-plans.ts lists the steps of each kind). */
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { SiteDomainsRepository } from "@director/db/site-domains.repository";
import type { ImageRecord } from "@director/domain/image";
import type { SiteRecord as Site, SiteId } from "@director/domain/site";
import type { SiteDatabaseName } from "@director/domain/site-database";
import type { OpenedSiteDatabase, SiteDatabaseHosting } from "../site-databases/site-database-hosting.js";
import type { SiteHost } from "./site-host.js";

/** What a step may use. The site is read fresh before each step, so a resumed step sees the current truth. */
export interface StepContext {
  /** null once the site row is gone (the last step of a delete) */
  site: Site | null;
  siteName: string;
  host: SiteHost;
  sites: {
    markReady(site: Site): Promise<void>;
    forget(site: Site): Promise<void>;
    /** records a successful build: the site's image choice and the image its service runs */
    setImage(site: Site, image: { imageId: number; extraPackages: readonly string[]; imageRef: string }): Promise<void>;
  };
  /** published images, to read the one an image change asked for */
  images: { findById(id: number): Promise<ImageRecord | null> };
  /** what the operation was queued with, when the site row does not hold it yet (an image change); else null */
  input: Record<string, unknown> | null;
  /** the balancer spec the database implies for this site */
  balancerSpec(site: Site): BalancerSiteSpec;
  routeHostnames(site: Site, formerNames?: readonly string[]): string[];
  /** renamed sites' former names: the site's own still redirected, and the whole set the balancer serves */
  formerNames: FormerNameSteps;
  /** sites' own domains: where each stands */
  domains: Pick<SiteDomainsRepository, "find" | "listForSite" | "recordProgress">;
  /** a certificate is renewed this many days before it expires */
  renewWithinDays: number;
  now(): Date;
  /** the site's database: its row, the host that holds it, and the variables the site's code gets from it */
  databases: SiteDatabaseSteps;
}

/** What the rename steps use (the manager's SiteFormerNamesRepository). */
export interface FormerNameSteps {
  activeNamesOf(siteId: SiteId): Promise<Array<{ name: string }>>;
  /** how many former names the site holds, expired or not */
  countOf(siteId: SiteId): Promise<number>;
  /** runs `apply` with the whole redirect set (but a site being deleted's), no other operation sending one meanwhile */
  withRedirects(
    apply: (redirects: Array<{ from: string; to: string }>) => Promise<void>,
    options?: { exceptSiteId?: SiteId },
  ): Promise<void>;
  forgetExpired(siteId: SiteId): Promise<number>;
}

/** What the site-database steps use (the manager's SiteDatabasesService and its repository). */
export interface SiteDatabaseSteps {
  /** the site's database with its host and passwords opened; null when it has none */
  open(siteId: SiteId): Promise<OpenedSiteDatabase | null>;
  /** the variables the site's process and terminals get: its own (secrets opened), then its ready database's */
  environment(site: Site): Promise<Record<string, string>>;
  markReady(siteId: SiteId, name: SiteDatabaseName): Promise<void>;
  completeRotation(siteId: SiteId): Promise<void>;
  forget(siteId: SiteId): Promise<void>;
  hosting: SiteDatabaseHosting;
}

/** One idempotent step: running it twice, or after a crash halfway, leaves the same state as running it once. */
export interface StepDefinition {
  slug: string;
  name: string;
  run(context: StepContext): Promise<void>;
}
