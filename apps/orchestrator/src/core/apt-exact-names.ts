/**
 * apt-get (2.6, Debian 12) reads a package name that matches no package as a regular expression when it holds one of
 * `.?+*|[^$`, matched anywhere in every name: `python3-d.+` installs every package with `python3-d` in its name, and
 * a trailing `-` or `+` even means "remove" or "install" the name before it. apt(8) dropped that fallback in 1.9.6,
 * apt-get keeps it ("deprecated ... will be removed from apt-get(8) in a future version", apt-get(8); apt's NEWS).
 * Debian's package names may hold `.`, `+` and `-`, so the grammar alone cannot rule it out. A name that exists in
 * apt's cache with a version is always taken literally, so a site's extra packages are checked against the package
 * index first.
 * Pure; the script it renders runs in the image build.
 */
import type { PackageName } from "@director/domain/package-name";

/** Leading `NAME=value` words and `env` before the command itself, e.g. `DEBIAN_FRONTEND=noninteractive apt-get`. */
const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * True when an image's install command runs apt: its first command word (after `NAME=value` words and `env`) is
 * `apt-get` or `apt`, with or without a directory. Other package managers get the names as they are.
 */
export function isAptInstallCommand(installCommandPrefix: string): boolean {
  const words = installCommandPrefix.trim().split(/\s+/);
  const command = words.find((word) => word !== "env" && !assignment.test(word)) ?? "";
  const name = command.slice(command.lastIndexOf("/") + 1);
  return name === "apt-get" || name === "apt";
}

/**
 * A POSIX shell script that fails, naming each one, unless every package exists by that exact name with a version in
 * apt's cache: `apt-cache pkgnames` lists such names (once: each call loads the whole cache, ~0.7 s here) and never
 * reads a pattern; each name is then compared whole. A virtual name, or one only referred to, is refused too:
 * apt-get treats a name without a version or a provider as unknown and falls back to a pattern for it, and a virtual
 * package is better named by the package that provides it. Names are checked by the caller's grammar already
 * (no space, quote or glob character) and single-quoted here.
 */
export function aptExactNamesScript(packages: readonly PackageName[]): string {
  const names = packages.map((name) => `'${name}'`).join(" ");
  return [
    "set -f",
    'known="$(mktemp)"',
    'apt-cache pkgnames > "$known"',
    'if [ ! -s "$known" ]; then',
    '  echo "director: apt has no package index in this image: the image\'s setup commands must run apt-get update" >&2',
    '  rm -f "$known"',
    "  exit 1",
    "fi",
    'missing=""',
    `for name in ${names}; do`,
    '  grep -qxF -e "$name" "$known" || missing="$missing $name"',
    "done",
    'if [ -n "$missing" ]; then',
    '  apt-cache --all-names pkgnames > "$known"',
    "  for name in $missing; do",
    '    if grep -qxF -e "$name" "$known"; then',
    '      echo "director: $name is not a package of its own (a virtual package, or only referred to): name the package that provides it" >&2',
    "    else",
    '      echo "director: no package named $name in this image\'s package index" >&2',
    "    fi",
    "  done",
    '  echo "director: packages are installed by their exact names only (apt-get would read such a name as a pattern)" >&2',
    '  rm -f "$known"',
    "  exit 1",
    "fi",
    'rm -f "$known"',
  ].join("\n");
}
