/**
 * Where site processes may open connections beyond their own node (pure). The host itself is never reachable from
 * a site (DESIGN rule 5, adapters/site-firewall.ts); this policy is about everything else: the internet, the
 * school's network. Default "all", what a student's app that calls an API expects; "none" or a list of destinations
 * for an institution that wants sites closed in.
 */
import { isIPv4, isIPv6 } from "node:net";
import { DirectorError } from "@director/domain/errors";

/** A CIDR block, e.g. `203.0.113.0/24` or `2001:db8::/32`, checked by `parseEgressPolicy`. */
export interface EgressDestination {
  family: 4 | 6;
  /** `address/prefix`, normalised (a bare address gets /32 or /128) */
  cidr: string;
}

/** all: anywhere; none: nowhere (not even DNS servers outside the node); only: the listed blocks. */
export type EgressPolicy =
  | { kind: "all" }
  | { kind: "none" }
  | { kind: "only"; destinations: readonly EgressDestination[] };

/** Parses DIRECTOR_SITE_EGRESS: `all`, `none`, or comma-separated addresses and CIDR blocks. */
export function parseEgressPolicy(value: string): EgressPolicy {
  const text = value.trim();
  if (text === "all") return { kind: "all" };
  if (text === "none") return { kind: "none" };
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0 || items.length > 200) {
    throw egressError(`"${value}" is not all, none, or a list of 1 to 200 addresses or CIDR blocks.`);
  }
  return { kind: "only", destinations: items.map(parseDestination) };
}

function parseDestination(item: string): EgressDestination {
  const match = /^([0-9a-fA-F.:]+)(?:\/([0-9]{1,3}))?$/.exec(item);
  const address = match?.[1] ?? "";
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : null;
  if (family === null) throw egressError(`"${item}" is not an IPv4 or IPv6 address or CIDR block.`);
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = match?.[2] === undefined ? maxPrefix : Number(match[2]);
  if (prefix > maxPrefix) throw egressError(`"${item}" has a prefix longer than ${maxPrefix}.`);
  return { family, cidr: `${address.toLowerCase()}/${prefix}` };
}

function egressError(message: string): DirectorError {
  return new DirectorError("CONFIG_INVALID", `DIRECTOR_SITE_EGRESS: ${message}`);
}
