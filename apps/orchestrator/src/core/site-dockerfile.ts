/**
 * The Dockerfile of a site's own image: its published image's parent, the administrator's setup commands, and the
 * site's extra packages installed with the image's install command. Pure; unit-tested against expected text.
 */
import { createHash } from "node:crypto";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import { type PackageName, parsePackageList } from "@director/domain/package-name";
import type { SiteId } from "@director/domain/site";
import { aptExactNamesScript, isAptInstallCommand } from "./apt-exact-names.js";

/** What a site's image is made of. */
export interface SiteImageRecipe {
  siteId: SiteId;
  parent: ImageRef;
  /** administrator-trusted shell script run as root (may be empty) */
  setupCommands: string;
  /** administrator-trusted command the package names are appended to, e.g. `apt-get install -y` (empty: none) */
  installCommandPrefix: string;
  /** checked names, deduplicated and sorted (parsePackageList) */
  packages: readonly PackageName[];
}

/** The label naming the site an image belongs to. */
export const siteIdLabel = "org.director.site-id";

/** The labels every per-site image carries, so that reconcile and clean-ups can find them. */
export function siteImageLabels(installationId: string, siteId: SiteId): Record<string, string> {
  return {
    "org.director.installation": installationId,
    [siteIdLabel]: String(siteId),
    "org.director.managed": "true",
  };
}

/** True when the recipe adds nothing to its parent: the site then runs the parent itself, with no build. */
export function isParentOnly(recipe: SiteImageRecipe): boolean {
  return recipe.setupCommands.trim() === "" && recipe.packages.length === 0;
}

/**
 * Renders the Dockerfile. Each RUN uses the exec (JSON) form, `["/bin/sh", "-c", script]`: JSON escapes keep a
 * multi-line setup script intact (a shell-form RUN would end at the first newline), and the Dockerfile parser does no
 * variable substitution in RUN. Package names are checked against Debian's grammar again here and single-quoted, so
 * the shell reads each as one literal word. With an apt install command, a RUN before it fails the build unless each
 * name is an exact package name in the image's package index (apt-exact-names.ts: apt-get would read it as a pattern).
 */
export function renderSiteDockerfile(recipe: SiteImageRecipe, installationId: string): string {
  const parent = parseImageRef(recipe.parent);
  const packages = parsePackageList([...recipe.packages]);
  const lines = [`FROM ${parent}`, "USER root"];
  if (recipe.setupCommands.trim() !== "") {
    lines.push(`RUN ${JSON.stringify(["/bin/sh", "-e", "-c", normalizeScript(recipe.setupCommands)])}`);
  }
  if (packages.length > 0 && isAptInstallCommand(recipe.installCommandPrefix)) {
    lines.push(`RUN ${JSON.stringify(["/bin/sh", "-e", "-c", aptExactNamesScript(packages)])}`);
  }
  if (packages.length > 0) {
    const install = [recipe.installCommandPrefix.trim(), ...packages.map((name) => `'${name}'`)].join(" ");
    lines.push(`RUN ${JSON.stringify(["/bin/sh", "-e", "-c", install])}`);
  }
  const labels = Object.entries(siteImageLabels(installationId, recipe.siteId)).map(
    ([key, value]) => `${key}=${JSON.stringify(value)}`,
  );
  lines.push(`LABEL ${labels.join(" ")}`, "USER 1000:1000");
  return `${lines.join("\n")}\n`;
}

/**
 * The tag of a site's image: `director/<installation>-site-<id>:<hash>` of the parent's content id and the
 * Dockerfile (two installations on one engine never share a name), so an
 * unchanged request reuses the image and a remade parent (a new id under the same tag) leads to a new build.
 */
export function siteImageTag(
  installationId: string,
  siteId: SiteId,
  parentImageId: string,
  dockerfile: string,
): ImageRef {
  const hash = createHash("sha256").update(parentImageId).update("\n").update(dockerfile).digest("hex");
  return parseImageRef(`director/${installationId}-site-${siteId}:${hash.slice(0, 16)}`);
}

/** CRLF from a browser textarea becomes LF, so that `sh` does not see a stray carriage return on every line. */
function normalizeScript(script: string): string {
  return script.replace(/\r\n?/g, "\n").trim();
}
