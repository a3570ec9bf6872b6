/** A site's own domain and where it stands (issue 11): its DNS, then its certificate. */
import type { CustomDomain } from "./custom-domain.js";
import type { SiteId } from "./site.js";

/**
 * - `waiting_dns`: the domain does not resolve to the router's public addresses yet (checked again with a backoff);
 * - `issuing`: DNS is right and a certificate is being asked for;
 * - `active`: served, over HTTPS once it has a certificate (`certificateNotAfter`);
 * - `failed`: the last attempt failed; `statusMessage` says why and what to do, a retry is possible;
 * - `removing`: taken off while the site was busy: no longer served, its certificate removed once the site is free.
 */
export const siteDomainStatuses = ["waiting_dns", "issuing", "active", "failed", "removing"] as const;
export type SiteDomainStatus = (typeof siteDomainStatuses)[number];

export interface SiteDomainRecord {
  id: number;
  siteId: SiteId;
  domain: CustomDomain;
  status: SiteDomainStatus;
  /** why it waits or failed, in words for the site's members; "" when there is nothing to say */
  statusMessage: string;
  certificateNotAfter: Date | null;
  /** failed attempts in a row, for the backoff */
  failures: number;
  /** when the next check or renewal is due; null: nothing is due */
  nextAttemptAt: Date | null;
  createdAt: Date;
}

/** What DNS says of a domain, compared with the router's public addresses. */
export type DnsFinding =
  | { kind: "points_here" }
  /** the installation configured no public addresses: DNS is not checked */
  | { kind: "not_checked" }
  | { kind: "points_elsewhere"; addresses: readonly string[] }
  | { kind: "no_records" }
  | { kind: "lookup_failed"; reason: string };
