/** The manager's configuration of sites' own domains (issue 11): a section of its table (config.ts). */
import { variable } from "@director/config/config-table";
import { isParsable } from "@director/domain/config-validation";
import { parseHostname } from "@director/domain/hostname";
import { z } from "zod";

/** A comma-separated list of domains (a suffix names itself and every name under it). */
const hostnameList = () =>
  z.array(z.string().refine((value) => isParsable(() => parseHostname(value)), "must be a hostname")).default([]);

export const domainsConfigTable = {
  perSite: variable({
    env: "DIRECTOR_DOMAINS_PER_SITE",
    schema: z.coerce.number().int().min(0).max(100).default(5),
    doc: "the most custom domains one site may have (0: members cannot add any)",
  }),
  publicHost: variable({
    env: "DIRECTOR_PUBLIC_HOST",
    schema: z
      .string()
      .default("")
      .refine((value) => value === "" || isParsable(() => parseHostname(value)), "must be a hostname"),
    doc: "Director's own host name as people reach it (its web interface); no site may be given it",
  }),
  reserved: variable({
    env: "DIRECTOR_RESERVED_DOMAINS",
    schema: hostnameList(),
    doc: "domains only administrators may give a site, with every name under them (e.g. the institution's own zone), comma-separated",
    isList: true,
  }),
  blocked: variable({
    env: "DIRECTOR_BLOCKED_DOMAINS",
    schema: hostnameList(),
    doc: "domains nobody may give a site, with every name under them, comma-separated",
    isList: true,
  }),
  renewWithinDays: variable({
    env: "DIRECTOR_CERTIFICATE_RENEW_DAYS",
    schema: z.coerce.number().int().min(1).max(60).default(30),
    doc: "a custom domain's certificate is renewed this many days before it expires",
  }),
  dnsServers: variable({
    env: "DIRECTOR_DNS_SERVERS",
    schema: z.array(z.string().min(1)).default([]),
    doc: "DNS servers (`IP` or `IP:PORT`, comma-separated) asked whether custom domains point here; empty: the system's",
    isList: true,
  }),
  publicAddresses: variable({
    env: "DIRECTOR_PUBLIC_ADDRESSES",
    schema: z.array(z.string().min(1)).default([]),
    doc: "the router's public IPv4/IPv6 addresses (or a host name for a CNAME), comma-separated: what a custom domain must resolve to, and the DNS records members are told to create; empty: DNS is not checked",
    isList: true,
  }),
};
