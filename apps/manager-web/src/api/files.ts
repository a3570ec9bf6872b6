/**
 * A site's files: listings, uploads (raw bytes), folders, moves, modes, removal and zips. `path` is relative to the
 * site directory.
 */
import type { Http } from "./http";
import { callRoute, routeUrl } from "./route-call";

/** The route's `*` parameter: the path without empty segments (the table's routePath encodes each one). */
const rest = (path: string) =>
  path
    .split("/")
    .filter((segment) => segment !== "")
    .join("/");

export function filesApi(http: Http) {
  return {
    /** one page of a directory, sorted by name: the first, or the one after `after` (a page's `nextAfter`) */
    list: (name: string, path: string, page: { after?: string; limit?: number } = {}) =>
      rest(path) === ""
        ? callRoute(http, "files", "listTop", { params: { name }, query: page })
        : callRoute(http, "files", "read", { params: { name, "*": rest(path) }, query: page }),
    /** `mode` 755 makes the file executable (a site's run.sh) */
    upload: (name: string, path: string, file: Blob, mode?: "644" | "755") =>
      callRoute(http, "files", "write", {
        params: { name, "*": rest(path) },
        body: file,
        ...(mode ? { query: { mode } } : {}),
      }),
    /** `recursive`: a folder with everything in it */
    remove: (name: string, path: string, options: { recursive?: boolean } = {}) =>
      callRoute(http, "files", "remove", {
        params: { name, "*": rest(path) },
        query: { recursive: options.recursive ? "true" : "false" },
      }),
    makeFolder: (name: string, path: string) =>
      callRoute(http, "files", "change", { params: { name, "*": rest(path) }, json: { action: "mkdir" } }),
    /** moves or renames; `to` is the new path from the site directory */
    move: (name: string, path: string, to: string) =>
      callRoute(http, "files", "change", { params: { name, "*": rest(path) }, json: { action: "move", to: rest(to) } }),
    /** `755`, `644`, `+x` or `-x` */
    changeMode: (name: string, path: string, mode: string) =>
      callRoute(http, "files", "change", { params: { name, "*": rest(path) }, json: { action: "chmod", mode } }),
    /** a link the browser downloads a folder (or, for "", the whole site) from as a zip */
    zipUrl: (name: string, path: string) =>
      rest(path) === "" ? routeUrl("files", "zipTop", { name }) : routeUrl("files", "zip", { name, "*": rest(path) }),
    /** a link the browser downloads the file from (the session cookie authenticates it) */
    downloadUrl: (name: string, path: string) => routeUrl("files", "read", { name, "*": rest(path) }),
  };
}
