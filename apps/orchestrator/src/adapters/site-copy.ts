/**
 * A new site starting from another's files (a course's template site): what a zip download would take from the
 * source (site-zip.ts: walked by descriptor, never following a link, files with other hard links left out, each
 * read no further than its planned size), written into the target through the target's own safe writes (owned by
 * the target site, quota checked). Both sites' processes may change their trees meanwhile; neither can make this
 * read or write outside its own site.
 */
import { buffer } from "node:stream/consumers";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { parseSitePath } from "@director/domain/site-path";
import type { SiteFiles, ZipLimits } from "../core/ports.js";
import { openPlanned, planZip } from "./site-zip.js";

export async function copySiteTree(
  sourceRoot: string,
  target: { id: SiteId; files: Pick<SiteFiles, "write" | "makeDirectory"> },
  limits: ZipLimits,
): Promise<{ files: number; bytes: number }> {
  const plan = await planZip(sourceRoot, [], limits).catch((error: unknown) => {
    if (isDirectorError(error) && error.code === "ZIP_TOO_LARGE") {
      throw new DirectorError(
        "TEMPLATE_TOO_LARGE",
        `A template site may hold at most ${limits.maxFiles} files and ${Math.floor(limits.maxBytes / 1024 / 1024)} MiB; make it smaller.`,
        { cause: error, details: { maxFiles: limits.maxFiles, maxBytes: limits.maxBytes } },
      );
    }
    if (isDirectorError(error) && error.code === "SITE_NOT_FOUND") {
      throw new DirectorError("SITE_NOT_FOUND", "The template site is gone; nothing was copied.", { cause: error });
    }
    throw error;
  });
  for (const segments of plan.folders) {
    await target.files.makeDirectory(target.id, parseSitePath(segments.join("/")));
  }
  let bytes = 0;
  for (const file of plan.files) {
    const content = await buffer(await openPlanned(sourceRoot, file.segments, file.size));
    bytes += content.length;
    // a file executable by anyone stays executable (a run.sh); the files API knows no other modes
    const mode = (file.mode & 0o111) !== 0 ? 0o755 : 0o644;
    await target.files.write(target.id, parseSitePath(file.segments.join("/")), content, { mode });
  }
  return { files: plan.files.length, bytes };
}
