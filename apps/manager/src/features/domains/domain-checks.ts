/**
 * What the domain checker does with a due domain (pure): check its DNS, ask for a certificate, renew one, or wait.
 * Waits grow with each failure so that a domain whose DNS never comes, or a certificate authority that keeps
 * refusing, costs a few checks a day rather than a tight loop.
 */
import { isDirectorError } from "@director/domain/errors";
import type { DnsFinding, SiteDomainRecord } from "@director/domain/site-domain";

export type { DnsFinding };

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;

/** A certificate is renewed this long before it expires (Let's Encrypt's certificates last 90 days). */
export const defaultRenewWithinDays = 30;

export type DomainCheckAction =
  /** queue the operation that asks for (or renews) the certificate */
  | { kind: "issue"; statusMessage: string; isRenewal: boolean }
  /** record where the domain stands and when to look again */
  | {
      kind: "wait";
      status: "waiting_dns" | "active";
      statusMessage: string;
      failures: number;
      nextAttemptAt: Date | null;
    };

/** How long to wait before checking DNS again after `failures` checks that did not find it (30 s, doubling, ≤ 1 h). */
export function dnsRetryDelayMs(failures: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failures - 1), 60 * minuteMs);
}

/** How long to wait before asking for a certificate again after `failures` failed attempts (5 min, doubling, ≤ 1 day). */
export function certificateRetryDelayMs(failures: number): number {
  return Math.min(5 * minuteMs * 2 ** Math.max(0, failures - 1), dayMs);
}

/**
 * How long to wait after a failed certificate attempt: the backoff above, or longer when the certificate authority
 * said when to come back (a rate limit's Retry-After, up to a week): asking earlier only spends the limit again.
 */
export function certificateRetryDelayAfterMs(failures: number, error: unknown): number {
  const backoff = certificateRetryDelayMs(failures);
  if (!isDirectorError(error) || error.code !== "ACME_RATE_LIMITED") return backoff;
  const seconds = error.details?.retryAfterSeconds;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) return backoff;
  return Math.max(backoff, Math.min(seconds * 1000, 7 * dayMs));
}

/** The next step for a due domain, given what DNS says of it now (null when its status does not need DNS). */
export function decideDomainCheck(
  record: SiteDomainRecord,
  dns: DnsFinding | null,
  env: { now: Date; renewWithinDays: number },
): DomainCheckAction {
  if (record.status === "active") {
    const notAfter = record.certificateNotAfter;
    // Served over HTTP only (no certificate authority configured): nothing to renew.
    if (notAfter === null) return wait(record, "active", record.statusMessage, 0, null);
    const renewAt = new Date(notAfter.getTime() - env.renewWithinDays * dayMs);
    if (renewAt > env.now) return wait(record, "active", "", 0, renewAt);
    return { kind: "issue", statusMessage: "", isRenewal: true };
  }
  if (dns === null || dns.kind === "points_here" || dns.kind === "not_checked") {
    return { kind: "issue", statusMessage: "The domain points here; asking for its certificate.", isRenewal: false };
  }
  const failures = record.status === "waiting_dns" ? record.failures + 1 : 1;
  const next = new Date(env.now.getTime() + dnsRetryDelayMs(failures));
  return wait(record, "waiting_dns", dnsMessage(record.domain, dns), failures, next);
}

function wait(
  _record: SiteDomainRecord,
  status: "waiting_dns" | "active",
  statusMessage: string,
  failures: number,
  nextAttemptAt: Date | null,
): DomainCheckAction {
  return { kind: "wait", status, statusMessage, failures, nextAttemptAt };
}

function dnsMessage(domain: string, dns: Exclude<DnsFinding, { kind: "points_here" | "not_checked" }>): string {
  switch (dns.kind) {
    case "no_records":
      return `Waiting for DNS: ${domain} has no address yet. Create the DNS record shown below; it is checked again automatically.`;
    case "points_elsewhere":
      return `Waiting for DNS: ${domain} points to ${dns.addresses.join(", ")}, not here. Change its DNS record to the one shown below.`;
    case "lookup_failed":
      return `Waiting for DNS: looking up ${domain} failed (${dns.reason}). It is checked again automatically.`;
  }
}
