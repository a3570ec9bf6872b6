import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/** A lowercase DNS hostname (RFC 1123 labels), safe to place in an nginx `server_name`. */
export type Hostname = Brand<string, "Hostname">;

const labelPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function parseHostname(value: unknown): Hostname {
  if (typeof value !== "string" || value.length === 0 || value.length > 253) {
    throw new DirectorError("VALIDATION_FAILED", "A hostname must be 1 to 253 characters long.");
  }
  const lower = value.toLowerCase();
  if (!lower.split(".").every((label) => labelPattern.test(label))) {
    throw new DirectorError("VALIDATION_FAILED", `"${value}" is not a valid hostname.`);
  }
  return lower as Hostname;
}
