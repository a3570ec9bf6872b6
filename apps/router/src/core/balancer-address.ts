import { DirectorError } from "@director/domain/errors";
import { parseHostname } from "@director/domain/hostname";

/** A balancer listener, `HOST:PORT` (IPv4, [IPv6] or a hostname), safe to place in an nginx upstream `server` line. */
export type BalancerAddress = string & { readonly __brand: "BalancerAddress" };

const addressPattern = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Parses a balancer address; throws CONFIG_INVALID because these values come from configuration. */
export function parseBalancerAddress(value: unknown): BalancerAddress {
  const match = typeof value === "string" ? addressPattern.exec(value) : null;
  const host = match?.[1] ?? "";
  const port = Number(match?.[2]);
  const isHostValid = /^[\d.]+$/.test(host) || host.startsWith("[") || isHostname(host);
  if (!match || !isHostValid || port < 1 || port > 65535) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `"${String(value)}" is not a balancer address; use HOST:PORT (e.g. 127.0.0.1:8082 or balancer1.internal:8082).`,
    );
  }
  return value as BalancerAddress;
}

function isHostname(value: string): boolean {
  try {
    parseHostname(value);
    return true;
  } catch {
    return false; // reported by the caller with the expected form
  }
}
