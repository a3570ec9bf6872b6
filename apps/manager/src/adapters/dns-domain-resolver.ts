/**
 * Whether a domain resolves to the router's public addresses, asked of DNS (node:dns, the system's resolvers or the
 * configured ones). A public address may also be a host name (the target of a CNAME): its own addresses count.
 */
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import type { DnsFinding } from "@director/domain/site-domain";

/** Looks a domain up and compares it with where it should point. */
export interface DomainResolver {
  check(domain: string): Promise<DnsFinding>;
}

const noAnswerCodes = new Set(["ENODATA", "ENOTFOUND", "ENONAME"]);

export class DnsDomainResolver implements DomainResolver {
  readonly #resolver: Resolver;
  readonly #publicAddresses: readonly string[];

  /** `servers`: `IP` or `IP:PORT` of the DNS servers to ask; empty: the system's. */
  constructor(options: { publicAddresses: readonly string[]; servers: readonly string[]; timeoutMs?: number }) {
    this.#resolver = new Resolver({ timeout: options.timeoutMs ?? 5_000, tries: 2 });
    if (options.servers.length > 0) this.#resolver.setServers([...options.servers]);
    this.#publicAddresses = options.publicAddresses;
  }

  async check(domain: string): Promise<DnsFinding> {
    if (this.#publicAddresses.length === 0) return { kind: "not_checked" };
    let found: string[];
    let expected: Set<string>;
    try {
      found = await this.#addressesOf(domain);
      expected = new Set();
      for (const address of this.#publicAddresses) {
        if (isIP(address) !== 0) expected.add(address);
        else for (const resolved of await this.#addressesOf(address)) expected.add(resolved);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      return { kind: "lookup_failed", reason: code === "" ? String(error) : code };
    }
    if (found.length === 0) return { kind: "no_records" };
    // Every address must be here: one elsewhere sends some visitors (and the certificate authority) elsewhere.
    return found.every((address) => expected.has(address))
      ? { kind: "points_here" }
      : { kind: "points_elsewhere", addresses: found };
  }

  async #addressesOf(name: string): Promise<string[]> {
    const [v4, v6] = await Promise.all([
      this.#lookup(() => this.#resolver.resolve4(name)),
      this.#lookup(() => this.#resolver.resolve6(name)),
    ]);
    return [...v4, ...v6];
  }

  async #lookup(query: () => Promise<string[]>): Promise<string[]> {
    try {
      return await query();
    } catch (error) {
      if (noAnswerCodes.has((error as NodeJS.ErrnoException).code ?? "")) return [];
      throw error;
    }
  }
}
