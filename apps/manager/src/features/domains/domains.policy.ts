/**
 * Which domains a person may give a site (pure). Administrators may give any domain that is not blocked; everyone
 * else none under the sites domain (a site's name there is its own already, and another site's must not be taken),
 * nor Director's own host, nor a reserved domain or anything under it (an institution reserves its own zone so that
 * `www.school.edu` cannot become a student's site).
 */
import { type CustomDomain, isDomainUnder } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";

export interface DomainRules {
  /** sites are `<name>.<sitesDomain>` */
  sitesDomain: string;
  /** Director's own host as people reach it; null when not configured */
  publicHost: string | null;
  /** domains (and everything under them) only administrators may give a site */
  reserved: readonly string[];
  /** domains (and everything under them) nobody may give a site */
  blocked: readonly string[];
  /** the most domains one site may have */
  perSite: number;
}

/** Throws DOMAIN_BLOCKED or DOMAIN_RESERVED when `actor` may not give a site this domain. */
export function assertDomainAllowed(domain: CustomDomain, actor: { isSuperuser: boolean }, rules: DomainRules): void {
  const blockedBy = rules.blocked.find((suffix) => isDomainUnder(domain, suffix));
  if (blockedBy !== undefined) {
    const message =
      blockedBy === domain
        ? `The domain ${domain} is blocked on this installation.`
        : `Domains under ${blockedBy} are blocked on this installation.`;
    throw new DirectorError("DOMAIN_BLOCKED", message, { details: { fields: { domain: message } } });
  }
  if (actor.isSuperuser) return;
  const reservedBy = [rules.sitesDomain, ...(rules.publicHost === null ? [] : [rules.publicHost]), ...rules.reserved]
    .map((suffix) => suffix.toLowerCase())
    .find((suffix) => isDomainUnder(domain, suffix));
  if (reservedBy === undefined) return;
  const message =
    reservedBy === rules.sitesDomain.toLowerCase()
      ? `Sites are already served at <name>.${reservedBy}; a domain under it cannot be added.`
      : `The domain ${domain} is reserved: only an administrator can give it to a site.`;
  throw new DirectorError("DOMAIN_RESERVED", message, { details: { fields: { domain: message } } });
}

/** Throws DOMAIN_LIMIT_REACHED when a site that has `count` domains may not have another. */
export function assertRoomForDomain(count: number, rules: Pick<DomainRules, "perSite">): void {
  if (count < rules.perSite) return;
  const message = `A site can have at most ${rules.perSite} domains; remove one first.`;
  throw new DirectorError("DOMAIN_LIMIT_REACHED", message, { details: { fields: { domain: message } } });
}
