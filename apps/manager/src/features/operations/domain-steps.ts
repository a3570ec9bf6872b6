/**
 * The steps of a site's own domains (issue 11): taking a removed domain's certificate away, and getting (or renewing)
 * a certificate and serving the domain over HTTPS with it. The domain's row says where it stands at every moment, so
 * the site page shows "issuing", "active" with the expiry, or "failed" with the certificate authority's reason.
 */
import type { CustomDomain } from "@director/domain/custom-domain";
import { parseCustomDomain } from "@director/domain/custom-domain";
import { errorCodes, isDirectorError } from "@director/domain/errors";
import type { SiteDomainRecord } from "@director/domain/site-domain";
import { z } from "zod";
import { certificateRetryDelayAfterMs } from "../domains/domain-checks.js";
import type { StepContext, StepDefinition } from "./step-definition.js";

const domainList = z
  .union([z.string().transform((domain) => [domain]), z.array(z.string())])
  .optional()
  .transform((domains) => domains ?? []);

/** What a domain operation is queued with. */
export const domainOperationInputSchema = z.object({
  /** the domains added and taken off (several when changes joined one pending operation); the steps read the rest */
  added: domainList,
  removed: domainList,
  /** the domain a certificate is asked for (issue_certificate) */
  domain: z.string().optional(),
});

/** A removed domain's certificate goes too, unless a site has the domain again by now (it will need it). */
export const removeCertificate: StepDefinition = {
  slug: "remove_certificate",
  name: "Remove the certificate of the domain taken off",
  run: async ({ input, host, domains }) => {
    for (const removed of domainOperationInputSchema.parse(input ?? {}).removed) {
      const domain = parseCustomDomain(removed);
      if ((await domains.find(domain)) !== null) continue;
      await host.removeCertificate(domain);
    }
  },
};

/**
 * Asks the router for the domain's certificate (it keeps a current one: a step run again after a crash asks nothing
 * twice) and records the outcome on the domain; a refusal is recorded with its reason and a later retry, then fails
 * the operation with the same words.
 */
export const issueCertificate: StepDefinition = {
  slug: "issue_certificate",
  name: "Get a certificate for the domain",
  run: async (context) => {
    const { site, input, domains } = context;
    const requested = domainOperationInputSchema.parse(input ?? {}).domain;
    if (!site || requested === undefined) return;
    const domain: CustomDomain = parseCustomDomain(requested);
    const record = await domains.find(domain);
    // Taken off the site since (or being taken off): nothing to certify.
    if (record === null || record.siteId !== site.id || record.status === "removing") return;
    await certify(record, context);
  },
};

/**
 * Reconcile's repair when the router lacks a certificate the database says a domain of the site has: asks for each
 * (the router keeps those it has), recording each outcome like the certificate operation.
 */
export const ensureCertificates: StepDefinition = {
  slug: "ensure_certificates",
  name: "Get back the certificates of the site's domains",
  run: async (context) => {
    const { site, domains } = context;
    if (!site) return;
    for (const record of await domains.listForSite(site.id)) {
      if (record.status !== "active" || record.certificateNotAfter === null) continue;
      await certify(record, context);
    }
  },
};

/** Asks the router for the domain's certificate and records the outcome on the domain (see issueCertificate). */
async function certify(
  record: SiteDomainRecord,
  { host, domains, now, renewWithinDays }: Pick<StepContext, "host" | "domains" | "now" | "renewWithinDays">,
): Promise<void> {
  try {
    const result = await host.issueCertificate(record.domain, renewWithinDays);
    const notAfter = result.notAfter === null ? null : new Date(result.notAfter);
    await domains.recordProgress(record.id, {
      status: "active",
      statusMessage:
        result.outcome === "not_configured"
          ? "Served over HTTP only: this installation has no certificate authority configured for HTTPS."
          : "",
      certificateNotAfter: result.outcome === "not_configured" ? null : notAfter,
      failures: 0,
      nextAttemptAt:
        notAfter === null || result.outcome === "not_configured"
          ? null
          : new Date(notAfter.getTime() - renewWithinDays * 24 * 60 * 60 * 1000),
    });
  } catch (error) {
    const failures = record.failures + 1;
    const isRenewal = record.certificateNotAfter !== null && record.certificateNotAfter > now();
    await domains.recordProgress(record.id, {
      // A renewal that fails leaves the current certificate serving: the domain stays active, and says why.
      status: isRenewal ? "active" : "failed",
      statusMessage: `${isRenewal ? "Renewing its certificate failed" : "No certificate yet"}: ${reasonOf(error)}`,
      failures,
      nextAttemptAt: new Date(now().getTime() + certificateRetryDelayAfterMs(failures, error)),
    });
    throw error;
  }
}

/** The balancer serves the site's domains as the database now says (those with a certificate over HTTPS). */
export const serveDomains: StepDefinition = {
  slug: "serve_https",
  name: "Serve the domain over HTTPS",
  run: async ({ site, host, balancerSpec }) => {
    if (site) await host.upsertBalancer(balancerSpec(site));
  },
};

function reasonOf(error: unknown): string {
  if (isDirectorError(error) && errorCodes[error.code].kind !== "unexpected") return error.message;
  return "an unexpected error; an administrator can see it in the logs.";
}
