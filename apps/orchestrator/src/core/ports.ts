/** The orchestrator's ports: small interfaces its HTTP edge uses, implemented in adapters/ (and by fakes in tests). */

import type { Readable } from "node:stream";
import type { DirectoryListing, FileWritten } from "@director/contracts/orchestrator-files";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type {
  SiteProcessEvent,
  SiteResourceSample,
  TrafficBucket,
  TrafficCursor,
} from "@director/contracts/orchestrator-usage";
import type { CustomDomain } from "@director/domain/custom-domain";
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import type { SitePath } from "@director/domain/site-path";
import type { DirectoryPageRequest } from "./directory-page.js";
import type { ModeChange } from "./mode-change.js";

/** Each site's directory on disk, holding public/ (served) and private/ (not served). */
export interface SiteDirectories {
  /** Creates the site directory, public/, private/ and .home/, owned by the site's own account; no-op when present. */
  ensure(id: SiteId, diskQuotaBytes?: number | null): Promise<void>;
  /**
   * Gives a site directory made before each site had its own account (root's, with files of the shared uid 1000) to
   * the site's account; false when it has it already. Fails with PATH_NOT_FOUND when there is no directory.
   */
  adopt(id: SiteId): Promise<boolean>;
  /** Removes the whole site directory, never following a link out of it; no-op when absent. */
  remove(id: SiteId): Promise<void>;
  /** The site directory's absolute path. */
  pathOf(id: SiteId): string;
  /** Whether the site directory exists. */
  has(id: SiteId): Promise<boolean>;
  /** The id of every site that has a directory (entries that are not a site id are ignored). */
  list(): Promise<SiteId[]>;
}

/** How full a site's disk is: its own filesystem's figures, as the site's account sees them. */
export interface SiteDiskUsage {
  usedBytes: number;
  /** what the site may hold in all: its quota (used plus what it may still write) */
  quotaBytes: number;
  usedInodes: number;
  totalInodes: number;
}

/**
 * Where a site's files live and what holds them to a size. With volumes (adapters/loop-site-volumes.ts) each site
 * directory is its own filesystem, so the kernel stops a site that writes past its quota, whatever writes it; without
 * (directory mode) there is no limit and no measure, and every method but `attach` is a no-op.
 */
export interface SiteVolumes {
  /** Whether sites get their own volume (false: plain directories). */
  readonly isEnforced: boolean;
  /** Mounts every site's volume that is not mounted (after a reboot); before any site directory is used. */
  prepare(): Promise<void>;
  /** Makes the site's volume (at `quotaBytes`) and mounts it at the site directory's path; no-op when mounted. */
  attach(id: SiteId, quotaBytes: number | null): Promise<void>;
  /** Holds the site to `quotaBytes`: grows its volume when needed, or holds back what it may use beyond. */
  setQuota(id: SiteId, quotaBytes: number): Promise<SiteDiskUsage>;
  /** Unmounts and deletes the site's volume; false when the site has none (a plain directory to remove). */
  remove(id: SiteId): Promise<boolean>;
  /** The usage of one site (null: no volume) */
  usageOf(id: SiteId): Promise<SiteDiskUsage | null>;
  /** The usage of every site with a volume. */
  usage(): Promise<Map<SiteId, SiteDiskUsage>>;
  /** The size and free space of the filesystem the sites' files take room on (null: not known). */
  space(): Promise<{ totalBytes: number; freeBytes: number } | null>;
}

/** What reading a path gives: a file's bytes or a directory's listing. */
export type FileContent = { kind: "file"; bytes: Buffer } | { kind: "directory"; listing: DirectoryListing };

/** File operations confined to one site's directory: no `..`, symlink, hard link or race leads outside it. */
export interface SiteFiles {
  /** Lists one page of a directory (default: the first, of directoryPageDefaultLimit); `null` is the site directory. */
  list(id: SiteId, path: SitePath | null, page?: DirectoryPageRequest): Promise<DirectoryListing>;
  /** A file's bytes (at most maxBytes) or, for a directory, one page of its listing (as `list`). */
  read(id: SiteId, path: SitePath | null, maxBytes: number, page?: DirectoryPageRequest): Promise<FileContent>;
  /**
   * Writes a file atomically, creating missing parent directories; mode 0644 unless told 0755 (e.g. a run.sh).
   * `ifModifiedAt`: only over that version of the file (its listing's modifiedAt), else FILE_CHANGED.
   */
  write(
    id: SiteId,
    path: SitePath,
    bytes: Buffer,
    options?: { mode?: SiteFileMode; ifModifiedAt?: string },
  ): Promise<FileWritten>;
  /** Removes a file or an empty directory; no-op when absent. */
  remove(id: SiteId, path: SitePath): Promise<void>;
  /** Makes a folder and its missing parents (the site's own); no-op when it exists. */
  makeDirectory(id: SiteId, path: SitePath): Promise<void>;
  /** Moves or renames an entry; PATH_EXISTS when `to` exists, PATH_INVALID for a folder into itself. */
  move(id: SiteId, from: SitePath, to: SitePath): Promise<void>;
  /** Sets a file's or a folder's permission bits (masked to 0777) or adds/takes execute permission; the new bits. */
  changeMode(id: SiteId, path: SitePath, change: ModeChange): Promise<{ mode: number }>;
  /** Removes a file, a link, or a folder with everything in it; no-op when absent. */
  removeTree(id: SiteId, path: SitePath): Promise<void>;
  /** A folder (null: the whole site) as a zip stream; ZIP_TOO_LARGE before it starts when it passes the limits. */
  zip(id: SiteId, path: SitePath | null, limits: ZipLimits): Promise<Readable>;
  /** Copies every folder and file of `fromId` into `id` (site-copy.ts); TEMPLATE_TOO_LARGE past the limits. */
  copyFrom(id: SiteId, fromId: SiteId, limits: ZipLimits): Promise<{ files: number; bytes: number }>;
}

/** Something happened in a watched folder ("" is the site directory), or the folder itself is gone. */
export interface FolderEvent {
  type: "change" | "gone";
  folder: string;
}

/** Watches a site's folders (not their subfolders) for entries made, changed, renamed or removed. */
export interface SiteFolderWatch {
  /**
   * Starts watching `folders` (null: the site directory) and resolves once every one is watched (a missing one is
   * reported gone at once); events come until `signal` aborts.
   */
  watch(
    id: SiteId,
    folders: ReadonlyArray<SitePath | null>,
    onEvent: (event: FolderEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

/** The most one zip download may hold. */
export interface ZipLimits {
  maxFiles: number;
  /** the sum of the files' sizes */
  maxBytes: number;
}

/** The permission bits a file written through the files API may get. */
export type SiteFileMode = 0o644 | 0o755;

/** The site server blocks of the balancer nginx. */
export interface BalancerConfig {
  /** Writes and activates the site's server block; no-op when unchanged. */
  upsert(spec: BalancerSiteSpec): Promise<void>;
  /** Removes the site's server block; no-op when absent. */
  remove(id: SiteId): Promise<void>;
}

/** Renamed sites' old names, each redirected to the new one; the whole set at once. */
export interface SiteRedirects {
  setRedirects(redirects: ReadonlyArray<{ from: string; to: string }>): Promise<void>;
}

/** The balancer's site files read back, to compare them with what they should be (the reconciler's inventory). */
export interface BalancerConfigFiles {
  /** The id of every site that has a server block file. */
  listSiteIds(): Promise<SiteId[]>;
  /** The site's file as it is now, or null when absent. */
  read(id: SiteId): Promise<string | null>;
  /** What `upsert(spec)` would write, without writing it. */
  render(spec: BalancerSiteSpec): Promise<string>;
}

/** A custom domain's certificate as nginx would load it. */
export interface InspectedCertificate {
  /** SHA-256 of the certificate, lower-case hex */
  fingerprint: string;
  notAfter: Date;
}

/** Looks at the certificate files the balancer's HTTPS servers name (the router's). */
export interface CertificateInspector {
  /** null when the domain has none, or one nginx could not use (unparsable, or not matching its key) */
  inspect(domain: string): Promise<InspectedCertificate | null>;
  /** the same for given files (the sites domain's wildcard certificate) */
  inspectFiles(certificatePath: string, keyPath: string): Promise<InspectedCertificate | null>;
}

/** How the balancer's shared server block answers for a site it serves by name (see render-shared-site-server.ts). */
export type SiteIndexAnswer = "files" | "disabled" | "not-running";

/** One site's entry in the index the shared server block reads on each request. */
export interface SiteIndexEntry {
  id: SiteId;
  name: SiteName;
  answer: SiteIndexAnswer;
  /** The site directory, whose public/ is served; only for `answer: "files"` */
  siteDirectory: string | null;
  /** The site's own domains, which lead to this entry as its name does; absent: none */
  domains?: readonly CustomDomain[];
}

/**
 * Which site answers to which name, and how: data that nginx reads on each request (links and marker files), so a
 * site is created, disabled, renamed or deleted without writing nginx configuration or reloading it.
 */
export interface SiteIndex {
  /** Creates the index's directories; idempotent. */
  prepare(): Promise<void>;
  /**
   * Sets the site's entry (a rename moves its name). `stoppedServingFiles`: a name that led to the site's files no
   * longer does, or one of its domains no longer leads to it (nginx may serve them from its open-file cache a moment longer).
   */
  put(entry: SiteIndexEntry): Promise<{ stoppedServingFiles: boolean }>;
  /** Removes the site's entry and its name; no-op when absent. `stoppedServingFiles` as for `put`. */
  remove(id: SiteId): Promise<{ stoppedServingFiles: boolean }>;
  /**
   * The site's entry as it is on disk, or null; `isNameLinked` false: its name does not lead to it (drift);
   * `unlinkedDomains`: those of its domains that do not lead to it.
   */
  read(id: SiteId): Promise<(SiteIndexEntry & { isNameLinked: boolean; unlinkedDomains: CustomDomain[] }) | null>;
  /** The id of every site with an entry. */
  listSiteIds(): Promise<SiteId[]>;
}

/** Each site's last balancer spec, kept so that a dynamic site can be re-rendered when its task's address changes. */
export interface BalancerSpecStore {
  /** Replaces the site's stored spec. */
  put(spec: BalancerSiteSpec): Promise<void>;
  /** The site's stored spec, or null when none is stored. */
  get(id: SiteId): Promise<BalancerSiteSpec | null>;
  /** Removes the site's stored spec; no-op when absent. */
  remove(id: SiteId): Promise<void>;
  /** The id of every site that has a stored spec. */
  list(): Promise<SiteId[]>;
}

/** What one read of the balancer's traffic log gives (contracts/orchestrator-usage.ts). */
export interface TrafficRead {
  buckets: TrafficBucket[];
  next: TrafficCursor;
  hasMore: boolean;
}

/** The balancer's traffic log, read after a cursor its caller keeps; every line is in exactly one read's buckets. */
export interface TrafficLog {
  /** The complete lines after `after` (null, or another log's cursor: from the oldest line kept), at most `maxBytes`. */
  read(after: TrafficCursor | null, maxBytes: number): Promise<TrafficRead>;
}

/** The running site containers' use of the machine (contracts/orchestrator-usage.ts). */
export interface SiteResources {
  /** One sample of every running site container of this installation on this node. */
  sample(): Promise<SiteResourceSample[]>;
  /** Site processes that crashed or were killed for memory between two engine times (seconds since 1970). */
  processEvents(since: number, until: number): Promise<SiteProcessEvent[]>;
}
