import { randomBytes } from "node:crypto";
import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/**
 * The id of one Director installation, e.g. "k3x9p2aq": it is part of every Docker object name and label the
 * installation makes (`director-<id>-site-<site id>`), so that two installations sharing one Docker engine never
 * touch each other's services. Lowercase letters and digits only: safe in a Docker name, a label and a filter.
 */
export type InstallationId = Brand<string, "InstallationId">;

const installationIdPattern = /^[a-z0-9]{1,16}$/;

/** Accepts 1 to 16 lowercase letters and digits; throws CONFIG_INVALID otherwise (the id comes from configuration). */
export function parseInstallationId(value: unknown): InstallationId {
  if (typeof value !== "string" || !installationIdPattern.test(value)) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `${typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : `A ${typeof value}`} is not an installation id: use 1 to 16 lowercase letters and digits.`,
    );
  }
  return value as InstallationId;
}

/** True when `value` would be accepted by `parseInstallationId`. */
export function isInstallationId(value: string): value is InstallationId {
  return installationIdPattern.test(value);
}

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new random installation id of 10 characters (about 51 bits), made once per installation. */
export function generateInstallationId(): InstallationId {
  // 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps every character equally likely.
  let id = "";
  while (id.length < 10) {
    for (const byte of randomBytes(16)) {
      if (byte < 252 && id.length < 10) id += alphabet[byte % alphabet.length];
    }
  }
  return id as InstallationId;
}
