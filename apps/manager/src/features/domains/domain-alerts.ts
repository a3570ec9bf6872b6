/**
 * Tells administrators about custom domains that need a person (issue 11): a domain whose certificate could not be got
 * (failed), and a certificate within two weeks of its end because its renewal keeps failing. Each is logged and
 * mailed once (the outbox delivers, retrying); the domain's row remembers that it was told, until a success or a new
 * certificate makes the next failure news again. Prometheus sees the same state (director_custom_domains,
 * director_certificates_expiring).
 */
import type { DomainAlert, SiteDomainsRepository } from "@director/db/site-domains.repository";
import type { UsersRepository } from "@director/db/users.repository";
import type { NewOutboxMail } from "@director/domain/outbox-mail";
import type { Logger } from "pino";
import type { Wakeup } from "../../adapters/wakeup.js";
import { certificateAlertDays } from "../metrics/manager-metrics.js";

const dayMs = 24 * 60 * 60 * 1000;

export interface DomainAlertsDeps {
  domains: Pick<SiteDomainsRepository, "claimAlerts">;
  users: Pick<UsersRepository, "listActiveSuperusers">;
  outbox: { enqueue(mail: NewOutboxMail): Promise<unknown> };
  mailWakeup: Wakeup;
  log: Pick<Logger, "warn" | "error">;
}

export class DomainAlerts {
  readonly #deps: DomainAlertsDeps;

  constructor(deps: DomainAlertsDeps) {
    this.#deps = deps;
  }

  /** Claims what administrators were not told yet, logs it, mails it; answers how many alerts it sent. */
  async run(now: Date): Promise<number> {
    const alerts = await this.#deps.domains.claimAlerts({
      now,
      expiringBefore: new Date(now.getTime() + certificateAlertDays * dayMs),
    });
    if (alerts.length === 0) return 0;
    for (const alert of alerts) {
      const fields = { site: alert.siteName, domain: alert.domain.domain, reason: alert.domain.statusMessage };
      if (alert.kind === "failed") this.#deps.log.warn(fields, "a custom domain has no certificate");
      else {
        const notAfter = alert.domain.certificateNotAfter?.toISOString();
        this.#deps.log.error({ ...fields, notAfter }, "a custom domain's certificate ends soon and is not renewed");
      }
    }
    const recipients = (await this.#deps.users.listActiveSuperusers())
      .map((user) => user.email)
      .filter((email) => email !== "");
    if (recipients.length === 0) return alerts.length;
    await this.#deps.outbox.enqueue(alertMail(alerts, now, recipients));
    this.#deps.mailWakeup.notify();
    return alerts.length;
  }
}

/** One message listing every alert of a round, in words an administrator can act on. */
export function alertMail(alerts: readonly DomainAlert[], now: Date, to: readonly string[]): NewOutboxMail {
  const expiring = alerts.filter((alert) => alert.kind === "expiring");
  const failed = alerts.filter((alert) => alert.kind === "failed");
  const lines: string[] = [];
  if (expiring.length > 0) {
    lines.push("Certificates that end soon and could not be renewed (the site will show a browser warning then):", "");
    for (const { siteName, domain } of expiring) {
      const notAfter = domain.certificateNotAfter ?? now;
      const days = Math.max(0, Math.floor((notAfter.getTime() - now.getTime()) / dayMs));
      lines.push(`- ${domain.domain} (site ${siteName}): ends ${notAfter.toISOString()}, in ${days} day(s).`);
      if (domain.statusMessage !== "") lines.push(`  ${domain.statusMessage}`);
    }
    lines.push("");
  }
  if (failed.length > 0) {
    lines.push("Domains whose certificate could not be got:", "");
    for (const { siteName, domain } of failed) {
      lines.push(`- ${domain.domain} (site ${siteName}): ${domain.statusMessage}`);
    }
    lines.push("");
  }
  lines.push(
    "Each is tried again on its own with a growing delay; a site's members can also press Check again on its page.",
    "Administrators see every domain under GET /api/admin/domains.",
  );
  const subject =
    expiring.length > 0
      ? `Director: ${expiring.length} certificate(s) end within ${certificateAlertDays} days`
      : `Director: ${failed.length} custom domain(s) have no certificate`;
  return { to, subject, text: `${lines.join("\n")}\n` };
}
