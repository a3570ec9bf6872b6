import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/** A distribution package name (Debian's grammar), safe to pass as one single-quoted shell word. */
export type PackageName = Brand<string, "PackageName">;

/**
 * Debian Policy §5.6.1: at least two characters, lowercase letters, digits, `+`, `-`, `.`, starting with a letter or
 * digit. Debian allows no upper bound; 63 keeps an accident (or an attack) short. None of these characters is special
 * inside single quotes, so a checked name can never leave its quotes.
 * https://www.debian.org/doc/debian-policy/ch-controlfields.html#source
 */
export const packageNamePattern = /^[a-z0-9][a-z0-9+.-]{1,62}$/;
/** The most extra packages one site may ask for. */
export const maxSitePackages = 50;

/** Parses one package name; throws PACKAGE_NAME_INVALID naming it. */
export function parsePackageName(value: unknown): PackageName {
  if (typeof value !== "string" || !packageNamePattern.test(value)) {
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new DirectorError(
      "PACKAGE_NAME_INVALID",
      `${shown} is not a package name: 2 to 63 lowercase letters, digits, '+', '-' or '.', starting with a letter or digit.`,
      { details: { field: "packages", name: typeof value === "string" ? value.slice(0, 80) : null } },
    );
  }
  return value as PackageName;
}

/**
 * Parses a list of package names: each checked, duplicates dropped, sorted (the order never matters to a package
 * manager, and a canonical list lets an unchanged request reuse its image); at most `maxSitePackages`.
 */
export function parsePackageList(value: unknown): PackageName[] {
  if (!Array.isArray(value)) {
    throw new DirectorError("PACKAGE_NAME_INVALID", "The packages must be a list of package names.", {
      details: { field: "packages" },
    });
  }
  if (value.length > maxSitePackages) {
    throw new DirectorError("PACKAGE_NAME_INVALID", `A site may ask for at most ${maxSitePackages} extra packages.`, {
      details: { field: "packages" },
    });
  }
  return [...new Set(value.map(parsePackageName))].sort();
}
