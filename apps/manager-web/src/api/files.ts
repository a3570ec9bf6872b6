/**
 * A site's files: listings, uploads (raw bytes), folders, moves, modes, removal and zips. `path` is relative to the
 * site directory.
 */
import { ApiError } from "./errors";
import type { Http } from "./http";
import { callRoute, routeUrl } from "./route-call";
import type { FileWritten } from "./types";

/** What a save answers: the file's size and its new modification time (the next save's `ifModifiedAt`). */
export type FileSaved = FileWritten;

/** How a save is done: `ifModifiedAt` refuses it (409 FILE_CHANGED) when the file changed since; `mode` 755 for scripts. */
export interface SaveOptions {
  ifModifiedAt?: string;
  mode?: "644" | "755";
  onProgress?: (sentBytes: number) => void;
  signal?: AbortSignal;
}

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
    /** a file's bytes as they are on disk (an editor opens them) */
    readBytes: (name: string, path: string, signal?: AbortSignal) =>
      http.request<ArrayBuffer>("GET", routeUrl("files", "read", { name, "*": rest(path) }), {
        answerAs: "bytes",
        ...(signal ? { signal } : {}),
      }),
    /**
     * Writes a file's bytes, with upload progress (which callRoute does not report), hence the call made here; the
     * query is the route table's (`mode`, `ifModifiedAt`).
     */
    save: (name: string, path: string, body: Blob | ArrayBuffer, options: SaveOptions = {}) =>
      http.request<FileSaved>("PUT", routeUrl("files", "write", { name, "*": rest(path) }), {
        body,
        query: { mode: options.mode, ifModifiedAt: options.ifModifiedAt },
        ...(options.onProgress ? { onUploadProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    /** whether something is at `path` (a HEAD of the read route: nothing is downloaded) */
    exists: async (name: string, path: string) => {
      try {
        await http.request("HEAD", routeUrl("files", "read", { name, "*": rest(path) }));
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return false;
        throw error;
      }
    },
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
