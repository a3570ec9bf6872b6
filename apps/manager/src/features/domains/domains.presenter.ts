import { isIP } from "node:net";
import type { SiteDomainView } from "@director/contracts/manager-routes-domains";
import { displayCustomDomain } from "@director/domain/custom-domain";
import type { SiteDomainRecord } from "@director/domain/site-domain";

/** What the site page needs to tell a member which DNS record to create. */
export interface DomainPresentation {
  /** the router's public IPv4 and IPv6 addresses, and/or a host name to point a CNAME at */
  publicAddresses: readonly string[];
}

/** A domain as members see it: where it stands, and the DNS records that point it here. */
export function presentDomain(record: SiteDomainRecord, presentation: DomainPresentation): SiteDomainView {
  const isHttps = record.status === "active" && record.certificateNotAfter !== null;
  return {
    domain: record.domain,
    displayName: displayCustomDomain(record.domain),
    status: record.status,
    statusMessage: record.statusMessage,
    certificateExpiresAt: record.certificateNotAfter?.toISOString() ?? null,
    dnsRecords: presentation.publicAddresses.map((address) => ({
      type: isIP(address) === 4 ? ("A" as const) : isIP(address) === 6 ? ("AAAA" as const) : ("CNAME" as const),
      name: record.domain,
      value: address,
    })),
    url: `${isHttps ? "https" : "http"}://${record.domain}/`,
    createdAt: record.createdAt.toISOString(),
  };
}
