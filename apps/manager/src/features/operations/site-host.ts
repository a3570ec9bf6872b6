import type { SiteImageRequest, SiteImageResult, SiteServiceRequest } from "@director/contracts/orchestrator-services";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { CertificateIssued, RouteSpec } from "@director/contracts/router-api";
import type { CustomDomain } from "@director/domain/custom-domain";
import type { SiteId } from "@director/domain/site";

/** What operations ask of the machines that host sites (orchestrator and router). Every call is idempotent. */
export interface SiteHost {
  ensureDirectories(siteId: SiteId): Promise<void>;
  removeDirectories(siteId: SiteId): Promise<void>;
  upsertBalancer(spec: BalancerSiteSpec): Promise<void>;
  removeBalancer(siteId: SiteId): Promise<void>;
  upsertRoute(siteId: SiteId, spec: RouteSpec): Promise<void>;
  /** runs (or scales to zero) a dynamic site's process */
  upsertService(request: { id: SiteId } & SiteServiceRequest): Promise<void>;
  removeService(siteId: SiteId): Promise<void>;
  /** removes every image of the site (a leftover of a site that no longer exists) */
  removeImages(siteId: SiteId): Promise<void>;
  restartService(siteId: SiteId): Promise<void>;
  /** builds (or reuses) a site's own image; IMAGE_BUILD_FAILED with the build log in details when it fails */
  buildSiteImage(request: { id: SiteId } & SiteImageRequest): Promise<SiteImageResult>;
  /** writes the site's /site/run.sh (mode 0755), replacing the one there */
  writeRunScript(siteId: SiteId, script: string): Promise<void>;
  /** copies every folder and file of `fromSiteId` into the site (a course's template); TEMPLATE_TOO_LARGE */
  copySiteFiles(siteId: SiteId, fromSiteId: SiteId): Promise<void>;
  removeRoute(siteId: SiteId): Promise<void>;
  /** the balancer's whole set of renamed sites' former names, each answered with a 301 to the current name */
  setRedirects(redirects: ReadonlyArray<{ from: string; to: string }>): Promise<void>;
  /** makes sure the domain has a certificate valid for more than `renewWithinDays` days (router, ACME) */
  issueCertificate(domain: CustomDomain, renewWithinDays: number): Promise<CertificateIssued>;
  /** removes the domain's certificate (no-op when absent) */
  removeCertificate(domain: CustomDomain): Promise<void>;
}
