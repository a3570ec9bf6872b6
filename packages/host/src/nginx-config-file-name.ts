import type { Brand } from "@director/domain/brand";
import { DirectorError } from "@director/domain/errors";

/** The name of one file in an nginx include directory: safe as a path segment and matched by `*.conf`. */
export type NginxConfigFileName = Brand<string, "NginxConfigFileName">;

// Lowercase, no slashes, no leading dot (hidden files, "." and ".."), and it must end in ".conf"
// because the main config includes `dir/*.conf` only.
const fileNamePattern = /^[a-z0-9][a-z0-9._-]{0,100}\.conf$/;

/** Accepts names such as "site-foo.conf"; throws VALIDATION_FAILED for anything else. */
export function parseNginxConfigFileName(value: unknown): NginxConfigFileName {
  if (typeof value !== "string" || !fileNamePattern.test(value)) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      `${typeof value === "string" ? JSON.stringify(value.slice(0, 120)) : `A ${typeof value}`} is not an nginx config file name: use lowercase letters, digits, ".", "_" and "-", ending in ".conf".`,
    );
  }
  return value as NginxConfigFileName;
}

/** True when `value` would be accepted by `parseNginxConfigFileName`. */
export function isNginxConfigFileName(value: string): value is NginxConfigFileName {
  return fileNamePattern.test(value);
}
