/**
 * Paths of a site's files as the workspace handles them: relative to the site directory, `/`-separated, "" for the
 * site itself. The server checks every path again; these say early, in words, what it would refuse.
 */
import { joinPath, parentPath } from "../../lib/format";

/** "public/css/a.css" → "a.css"; "" → "" */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Whether `path` is `folder` itself or somewhere inside it ("" holds everything). */
export function isSameOrInside(path: string, folder: string): boolean {
  return folder === "" || path === folder || path.startsWith(`${folder}/`);
}

/** Every folder above `path`, the site directory first: "a/b/c" → ["", "a", "a/b"]. */
export function ancestorsOf(path: string): string[] {
  const segments = path.split("/").filter((segment) => segment !== "");
  const folders = [""];
  for (const segment of segments.slice(0, -1)) folders.push(joinPath(folders.at(-1) ?? "", segment));
  return folders;
}

/**
 * Where `path` is after `from` moved to `to`: `to` for `from` itself, the same place under `to` for anything inside
 * it, unchanged otherwise (open tabs and expanded folders follow a rename with this).
 */
export function movedPath(path: string, from: string, to: string): string {
  if (path === from) return to;
  if (from !== "" && path.startsWith(`${from}/`)) return `${to}${path.slice(from.length)}`;
  return path;
}

/**
 * The new path of `path` dropped onto `folder`, or null when the drop changes nothing (already there) or cannot be
 * done (a folder into itself or below itself).
 */
export function dropTargetPath(path: string, folder: string): string | null {
  if (parentPath(path) === folder) return null;
  if (isSameOrInside(folder, path)) return null;
  return joinPath(folder, baseName(path));
}

/** A path typed by a person, tidied: spaces around it, leading and trailing slashes, repeated slashes removed. */
export function tidyPath(input: string): string {
  return input
    .trim()
    .split("/")
    .filter((segment) => segment !== "")
    .join("/");
}

/** Why a typed path (already tidied) cannot name a file or folder, or null when it can. */
export function pathProblem(path: string): string | null {
  if (path === "") return "Enter a name.";
  const segments = path.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) return "A name cannot be “.” or “..”.";
  if (path.includes("\0")) return "A name cannot contain a NUL character.";
  if (segments.some((segment) => new TextEncoder().encode(segment).length > 255)) return "A name is at most 255 bytes.";
  return null;
}

/** Whether a name is hidden by convention (starts with a dot). */
export function isHiddenName(name: string): boolean {
  return name.startsWith(".");
}
