/**
 * The router's certificates: one per custom domain, issued on request by the worker's operations and kept where the
 * edge nginx reads them. Issuing is idempotent in the way a durable step needs: a step run again after a crash finds
 * the certificate it got the first time (still current) and keeps it, instead of asking the authority twice.
 */
import type { CertificateIssued } from "@director/contracts/router-api";
import type { CustomDomain } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";
import type { CertificateIssuer, CertificateStore } from "./acme-ports.js";

const dayMs = 24 * 60 * 60 * 1000;

export class Certificates {
  readonly #issuer: CertificateIssuer | null;
  readonly #store: CertificateStore;
  readonly #now: () => Date;

  readonly #refusal: string | null;

  /**
   * `issuer` null: no certificate authority is configured; domains are served over HTTP only. `refusal`: why this
   * edge cannot serve sites' own domains at all (DOMAINS_UNSUPPORTED, which the domain then shows), or null.
   */
  constructor(deps: {
    issuer: CertificateIssuer | null;
    store: CertificateStore;
    now?: () => Date;
    refusal?: string | null;
  }) {
    this.#issuer = deps.issuer;
    this.#refusal = deps.refusal ?? null;
    this.#store = deps.store;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Issues a certificate for `domain` unless the one in place is valid for more than `renewWithinDays` days. */
  async ensure(domain: CustomDomain, renewWithinDays: number): Promise<CertificateIssued> {
    if (this.#refusal !== null) throw new DirectorError("DOMAINS_UNSUPPORTED", this.#refusal);
    const stored = await this.#store.read(domain);
    const keepUntil = this.#now().getTime() + renewWithinDays * dayMs;
    if (stored !== null && stored.notAfter.getTime() > keepUntil) {
      return { outcome: "current", notAfter: stored.notAfter.toISOString() };
    }
    if (this.#issuer === null) {
      return { outcome: "not_configured", notAfter: stored?.notAfter.toISOString() ?? null };
    }
    const issued = await this.#issuer.issue(domain);
    await this.#store.put(domain, issued);
    return { outcome: "issued", notAfter: issued.notAfter.toISOString() };
  }

  remove(domain: CustomDomain): Promise<void> {
    return this.#store.remove(domain);
  }

  async inventory(): Promise<{ domain: string; notAfter: string | null }[]> {
    const listed = [];
    for (const domain of await this.#store.list()) {
      const stored = await this.#store.read(domain);
      listed.push({ domain, notAfter: stored?.notAfter.toISOString() ?? null });
    }
    return listed;
  }
}
