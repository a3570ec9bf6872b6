/**
 * What an upload writes: each picked or dropped file at its path under the target folder, scripts executable, and
 * the folders that hold no file (a PUT makes a file's parent folders, nothing makes an empty one).
 */
import { joinPath } from "../../lib/format";
import { isSameOrInside, pathProblem, tidyPath } from "./workspace-paths";

/** A file the person picked or dropped, with its path inside what they picked ("photos/2026/a.jpg", or a name). */
export interface PickedFile {
  relativePath: string;
  file: Blob;
}

export interface UploadItem {
  /** from the site directory */
  path: string;
  body: Blob;
  sizeBytes: number;
  /** 755 for shell scripts, which a dynamic site runs (run.sh); the server's default otherwise */
  mode?: "755";
}

export interface UploadPlan {
  items: UploadItem[];
  /** folders that were picked but hold no file, made on their own */
  emptyFolders: string[];
  /** paths that cannot be written, with why */
  refused: Array<{ path: string; reason: string }>;
  totalBytes: number;
}

/** The plan for putting `files` (and the picked `folders`, relative too) into `folder`. */
export function planUpload(folder: string, files: readonly PickedFile[], folders: readonly string[] = []): UploadPlan {
  const items: UploadItem[] = [];
  const refused: UploadPlan["refused"] = [];
  for (const picked of files) {
    const path = joinPath(folder, tidyPath(picked.relativePath));
    const problem = pathProblem(tidyPath(picked.relativePath));
    if (problem) {
      refused.push({ path, reason: problem });
      continue;
    }
    items.push({
      path,
      body: picked.file,
      sizeBytes: picked.file.size,
      ...(path.endsWith(".sh") ? { mode: "755" as const } : {}),
    });
  }
  const emptyFolders = folders
    .map((relative) => tidyPath(relative))
    .filter((relative) => relative !== "" && pathProblem(relative) === null)
    .map((relative) => joinPath(folder, relative))
    .filter((path) => !items.some((item) => isSameOrInside(item.path, path) && item.path !== path));
  return { items, emptyFolders, refused, totalBytes: items.reduce((sum, item) => sum + item.sizeBytes, 0) };
}

export interface UploadFailure {
  path: string;
  code: string;
  message: string;
}

/**
 * The failures in a few lines, one per error code (a hundred files over the size limit make one line): the code,
 * how many, the first names and the server's message.
 */
export function summarizeFailures(failures: readonly UploadFailure[], namesShown = 3): string[] {
  const byCode = new Map<string, UploadFailure[]>();
  for (const failure of failures) byCode.set(failure.code, [...(byCode.get(failure.code) ?? []), failure]);
  return [...byCode.entries()].map(([code, group]) => {
    const names = group.slice(0, namesShown).map((failure) => failure.path);
    const more = group.length > namesShown ? ` and ${group.length - namesShown} more` : "";
    const count = group.length === 1 ? "1 file" : `${group.length} files`;
    return `${code} (${count}: ${names.join(", ")}${more}): ${group[0]?.message ?? ""}`;
  });
}
