import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/**
 * A path inside a site, relative to the site directory, e.g. `public/index.html`.
 * Grammar only: no empty, `.` or `..` segments, no leading `/`, no backslash or control characters.
 * The orchestrator still refuses symlinks and hard links when it opens the file (the grammar cannot see those).
 */
export type SitePath = Brand<string, "SitePath">;

export const sitePathMaxLength = 1024;
const segmentMaxLength = 255;

export function parseSitePath(value: unknown): SitePath {
  if (typeof value !== "string" || value.length === 0 || value.length > sitePathMaxLength) {
    throw new DirectorError("PATH_INVALID", `A file path must be 1 to ${sitePathMaxLength} characters long.`);
  }
  if (value.startsWith("/")) {
    throw new DirectorError("PATH_ESCAPES_SITE", "A file path must be relative to the site (no leading /).");
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) {
    throw new DirectorError("PATH_INVALID", "A file path may not contain control characters or backslashes.");
  }
  const segments = value.replace(/\/+$/, "").split("/");
  for (const segment of segments) {
    if (segment === "..") {
      throw new DirectorError("PATH_ESCAPES_SITE", "A file path may not contain '..'.");
    }
    if (segment === "" || segment === ".") {
      throw new DirectorError("PATH_INVALID", "A file path may not contain empty or '.' segments.");
    }
    if (Buffer.byteLength(segment) > segmentMaxLength) {
      throw new DirectorError("PATH_INVALID", `Each part of a file path must be at most ${segmentMaxLength} bytes.`);
    }
  }
  return segments.join("/") as SitePath;
}

export function sitePathSegments(path: SitePath): string[] {
  return path.split("/");
}
