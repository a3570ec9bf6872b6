/**
 * The node's firewall rules for site containers (iptables, IPv4 and IPv6), installed at start and checked.
 *
 * DESIGN rule 5: from inside a site, nothing of the platform is reachable. Internal APIs listen on 127.0.0.1, which
 * containers cannot reach, but anything listening on all addresses (an operator's service, Docker's swarm ports 2377
 * and 7946, sshd) answered a site's connection to the bridge's gateway or the host's own address (issue 8). So every
 * new connection that arrives from the sites network's bridge and is addressed to this node is refused (INPUT);
 * replies to the balancer's own connections to tasks pass (ESTABLISHED). Traffic to elsewhere follows the egress
 * policy, in Docker's DOCKER-USER chain (FORWARD), the place Docker leaves for rules of one's own.
 *
 * Rules live in two chains per installation, `DIR-<id>-HOST` and `DIR-<id>-EGRESS`, flushed and refilled at every
 * start, so a restart with another policy replaces the old one; the jumps into them are added once. The one exception
 * to "nothing of this node": a database host for sites listening on the sites network's gateway (`gatewayOpening`),
 * which sites may open on that address and port only.
 */
import { isIPv4 } from "node:net";
import { DirectorError } from "@director/domain/errors";
import type { InstallationId } from "@director/domain/installation-id";
import { runCommand } from "@director/host/run-command";
import type { EgressPolicy } from "../core/site-egress.js";

/** What the firewall protects: one installation's sites network on this node. */
export interface SiteFirewallOptions {
  installationId: InstallationId;
  /** The bridge interface of the sites network on this node (`br-` and the network id's first 12 characters) */
  bridgeInterface: string;
  egress: EgressPolicy;
  /** The one TCP port of this node that sites may open, on its address on the sites network: a database host's */
  gatewayOpening?: { address: string; port: number };
}

type Family = 4 | 6;
const programs: Record<Family, string> = { 4: "iptables", 6: "ip6tables" };
const rejections: Record<Family, string> = { 4: "icmp-port-unreachable", 6: "icmp6-port-unreachable" };
// Linux interface names: at most 15 characters; the bridge's is ours (br-<id>), checked before it reaches argv.
const interfacePattern = /^[a-zA-Z0-9_.-]{1,15}$/;

/** The chains of an installation (iptables allows 28 characters; installation ids have at most 16). */
export function siteFirewallChains(installationId: InstallationId): { host: string; egress: string } {
  return { host: `DIR-${installationId}-HOST`, egress: `DIR-${installationId}-EGRESS` };
}

/** The Linux bridge a swarm-scoped bridge network makes on each node that runs one of its tasks. */
export function bridgeInterfaceOf(networkId: string): string {
  return `br-${networkId.slice(0, 12)}`;
}

/** Installs (idempotently) and checks the rules; fails with DOCKER_UNSAFE, saying why, when it cannot. */
export async function installSiteFirewall(options: SiteFirewallOptions): Promise<void> {
  if (!interfacePattern.test(options.bridgeInterface)) {
    throw new DirectorError("CONFIG_INVALID", `"${options.bridgeInterface}" is not a network interface name.`);
  }
  const opening = options.gatewayOpening;
  if (opening !== undefined && (!isIPv4(opening.address) || !Number.isInteger(opening.port))) {
    throw new DirectorError("CONFIG_INVALID", `"${opening.address}:${opening.port}" is not an IPv4 address and port.`);
  }
  const chains = siteFirewallChains(options.installationId);
  for (const family of [4, 6] as const) {
    if (family === 6 && !(await isAvailable(family))) continue; // a node without IPv6 tables has no IPv6 to guard
    const table = new IpTables(family);
    await table.replaceChain(chains.host, hostRules(options, family));
    await table.ensureJump("INPUT", ["-i", options.bridgeInterface, "-j", chains.host]);
    await table.replaceChain(chains.egress, egressRules(options.egress, family));
    // Docker makes DOCKER-USER only for the families it manages (IPv6 is off by default): else FORWARD itself.
    const forward = (await table.hasChain("DOCKER-USER")) ? "DOCKER-USER" : "FORWARD";
    await table.ensureJump(forward, ["-i", options.bridgeInterface, "-j", chains.egress]);
    // Checked, not assumed: a rule that did not take must not pass for one that did.
    await table.expectRule("INPUT", ["-i", options.bridgeInterface, "-j", chains.host]);
    await table.expectRule(chains.host, ["-j", "REJECT", "--reject-with", rejections[family]]);
  }
}

/** Removes an installation's chains and the jumps into them (tests, and an installation taken down for good). */
export async function removeSiteFirewall(installationId: InstallationId, bridgeInterface: string): Promise<void> {
  const chains = siteFirewallChains(installationId);
  for (const family of [4, 6] as const) {
    if (!(await isAvailable(family))) continue;
    const table = new IpTables(family);
    await table.removeJump("INPUT", ["-i", bridgeInterface, "-j", chains.host]);
    for (const forward of ["DOCKER-USER", "FORWARD"]) {
      if (await table.hasChain(forward)) await table.removeJump(forward, ["-i", bridgeInterface, "-j", chains.egress]);
    }
    for (const chain of [chains.host, chains.egress]) {
      await table.run(["-F", chain], { mayFail: true });
      await table.run(["-X", chain], { mayFail: true });
    }
  }
}

/** The host chain's rules: replies pass, then the one opening (IPv4 only: the gateway is), the rest is refused. */
export function hostRules(options: Pick<SiteFirewallOptions, "gatewayOpening">, family: Family): string[][] {
  const opening = options.gatewayOpening;
  const open =
    opening === undefined || family !== 4
      ? []
      : [["-p", "tcp", "-d", `${opening.address}/32`, "--dport", String(opening.port), "-j", "ACCEPT"]];
  return [
    ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"],
    ...open,
    ["-j", "REJECT", "--reject-with", rejections[family]],
  ];
}

/** The egress chain's rules: replies pass, then the policy's destinations, then the rest is refused. */
export function egressRules(policy: EgressPolicy, family: Family): string[][] {
  const established = ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"];
  const refuse = ["-j", "REJECT", "--reject-with", rejections[family]];
  if (policy.kind === "all") return [["-j", "RETURN"]];
  if (policy.kind === "none") return [established, refuse];
  const allowed = policy.destinations
    .filter((destination) => destination.family === family)
    .map((destination) => ["-d", destination.cidr, "-j", "RETURN"]);
  return [established, ...allowed, refuse];
}

async function isAvailable(family: Family): Promise<boolean> {
  try {
    return (await runCommand([programs[family], "-w", "-L", "INPUT", "-n"], { timeoutMs: 30_000 })).exitCode === 0;
  } catch {
    return false; // not installed: runCommand could not start it
  }
}

/** iptables or ip6tables through argv (never a shell), waiting for the xtables lock (-w). */
class IpTables {
  readonly #family: Family;

  constructor(family: Family) {
    this.#family = family;
  }

  async run(args: string[], options: { mayFail?: boolean } = {}): Promise<number> {
    const program = programs[this.#family];
    let exitCode: number;
    let stderr = "";
    try {
      const result = await runCommand([program, "-w", ...args], { timeoutMs: 30_000 });
      exitCode = result.exitCode;
      stderr = result.stderr;
    } catch (error) {
      throw new DirectorError("DOCKER_UNSAFE", `${program} could not be run to guard site containers; install it.`, {
        cause: error,
      });
    }
    if (exitCode !== 0 && !options.mayFail) {
      throw new DirectorError(
        "DOCKER_UNSAFE",
        `${program} ${args.join(" ")} failed (${stderr.trim()}): site containers could reach this node.`,
      );
    }
    return exitCode;
  }

  async hasChain(chain: string): Promise<boolean> {
    return (await this.run(["-n", "-L", chain], { mayFail: true })) === 0;
  }

  async replaceChain(chain: string, rules: string[][]): Promise<void> {
    await this.run(["-N", chain], { mayFail: true }); // exists already: flushed below
    await this.run(["-F", chain]);
    for (const rule of rules) await this.run(["-A", chain, ...rule]);
  }

  async ensureJump(from: string, rule: string[]): Promise<void> {
    if ((await this.run(["-C", from, ...rule], { mayFail: true })) === 0) return;
    // First in the chain: Docker's own rules further down accept traffic to and from its bridges.
    await this.run(["-I", from, "1", ...rule]);
  }

  async removeJump(from: string, rule: string[]): Promise<void> {
    while ((await this.run(["-C", from, ...rule], { mayFail: true })) === 0) await this.run(["-D", from, ...rule]);
  }

  async expectRule(chain: string, rule: string[]): Promise<void> {
    if ((await this.run(["-C", chain, ...rule], { mayFail: true })) !== 0) {
      throw new DirectorError(
        "DOCKER_UNSAFE",
        `The rule ${rule.join(" ")} is missing from ${programs[this.#family]}'s ${chain} chain after it was added.`,
      );
    }
  }
}
