import type {
  DirectoryListing,
  DirectoryPageQuery,
  FileChange,
  FileChanged,
  FileWritten,
} from "@director/contracts/orchestrator-files";
import type { SiteId } from "@director/domain/site";
import type { SitePath } from "@director/domain/site-path";

/** The permissions a file may be given through the API: readable, or readable and executable (a run.sh). */
export type FileMode = "644" | "755";

export interface FileWriteOptions {
  mode?: FileMode | undefined;
  /** the version the write replaces (a listing's modifiedAt) */
  ifModifiedAt?: string | undefined;
}

/** A site's files, wherever they live (the orchestrator that holds the site tree). */
export interface SiteFileStore {
  /** A file's bytes, or one page of a directory's listing (`page` absent: the first, of the default size). */
  read(
    siteId: SiteId,
    path: SitePath | null,
    page?: DirectoryPageQuery,
  ): Promise<{ kind: "file"; body: Buffer } | { kind: "directory"; listing: DirectoryListing }>;
  /** Writes a file; `ifModifiedAt`: only over that version of it (FILE_CHANGED otherwise). */
  write(siteId: SiteId, path: SitePath, body: Buffer, options?: FileWriteOptions): Promise<FileWritten>;
  /** Removes a file, a link or an empty directory; `recursive`: a directory with everything in it. */
  remove(siteId: SiteId, path: SitePath, options?: { recursive?: boolean }): Promise<void>;
  /** Makes a folder, moves an entry or changes its mode (the move's `to` already parsed). */
  change(siteId: SiteId, path: SitePath, change: FileChange): Promise<FileChanged>;
  /** A folder (null: the whole site) as a zip, as it arrives; `signal` ends it (the caller's client left). */
  zip(siteId: SiteId, path: SitePath | null, signal: AbortSignal): Promise<AsyncIterable<Buffer>>;
}
