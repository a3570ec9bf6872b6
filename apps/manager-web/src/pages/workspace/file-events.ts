/**
 * Keeps the file tree live: one Server-Sent Events stream per workspace (packages/contracts/src/manager-workspace.ts)
 * watching the folders the tree shows open. When that list changes the stream is opened again with the new list,
 * once the changes have settled (expanding three folders in a row reconnects once, not three times); the old stream
 * stays open until the new one is ready, so that no change falls between the two.
 */
import { managerPaths } from "@director/contracts/manager-paths";
import { type FileEventData, maxWatchedFolders } from "@director/contracts/manager-workspace";
import { routePath } from "@director/contracts/route";
import { ancestorsOf } from "./workspace-paths";

/**
 * The folders to watch: the site directory, then every expanded folder the tree shows (all its parents expanded too),
 * shallowest first, so that past the server's limit it is the deepest ones that are left out.
 */
export function watchedFoldersOf(expanded: Iterable<string>): string[] {
  const open = new Set(expanded);
  const shown = [...open].filter(
    (folder) => folder !== "" && ancestorsOf(folder).every((up) => up === "" || open.has(up)),
  );
  shown.sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0));
  return ["", ...shown].slice(0, maxWatchedFolders);
}

/** The stream's address: one `folder` parameter per folder ("" is the site directory). */
export function fileEventsUrl(siteName: string, folders: readonly string[]): string {
  const query = new URLSearchParams();
  for (const folder of folders) query.append("folder", folder);
  return `${routePath(managerPaths.workspace.fileEvents, { name: siteName })}?${query.toString()}`;
}

/** The few EventSource members the follower uses (the browser's EventSource has them). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

/** EventSource.CLOSED: the browser gave up (the request was refused), it will not reconnect by itself. */
const closedState = 2;

export interface FileEventHandlers {
  /**
   * Every folder is watched. `unwatchedBefore` are those that were not watched until now (all of them on the first
   * connection and after a dropped one): what changed in them before is to be read again.
   */
  onReady(unwatchedBefore: readonly string[]): void;
  /** something in `folder` was made, changed, renamed or removed */
  onChange(folder: string): void;
  /** `folder` itself was removed or replaced */
  onGone(folder: string): void;
  /** whether the tree is live now (false while reconnecting or after a refusal) */
  onLiveChange(isLive: boolean): void;
}

/** The folder of an event's data, or null for data this page does not understand. */
export function folderOfEvent(data: unknown): string | null {
  if (typeof data !== "string") return null;
  try {
    const parsed = JSON.parse(data) as Partial<FileEventData> | null;
    return typeof parsed?.folder === "string" ? parsed.folder : null;
  } catch {
    return null;
  }
}

/** Follows a site's file events for a changing list of folders. */
export class FileEventsFollower {
  readonly #open: (url: string) => EventSourceLike;
  readonly #siteName: string;
  readonly #handlers: FileEventHandlers;
  readonly #settleMs: number;
  #source: EventSourceLike | null = null;
  /** the stream being replaced, open until `#source` is ready */
  #outgoing: EventSourceLike | null = null;
  #folders: readonly string[] = [];
  #key: string | null = null;
  /** the folders the last live connection watched without a gap (empty after a drop) */
  #watchedLive: ReadonlySet<string> = new Set();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(open: (url: string) => EventSourceLike, siteName: string, handlers: FileEventHandlers, settleMs = 300) {
    this.#open = open;
    this.#siteName = siteName;
    this.#handlers = handlers;
    this.#settleMs = settleMs;
  }

  /** Watches `folders` from now on: at once the first time, after the list has settled for a moment afterwards. */
  watch(folders: readonly string[]): void {
    this.#folders = folders;
    const key = folders.join("\n");
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#key === null) {
      this.#connect();
      return;
    }
    if (key === this.#key) return; // the same list: connected already, or refused until reconnect()
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connect();
    }, this.#settleMs);
  }

  /** Connects again now (after a refusal, when the person asks). */
  reconnect(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#connect();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#source?.close();
    this.#source = null;
    this.#closeOutgoing();
  }

  #closeOutgoing(): void {
    this.#outgoing?.close();
    this.#outgoing = null;
  }

  #connect(): void {
    this.#closeOutgoing(); // one still waiting for its successor: the newer one takes its place
    this.#outgoing = this.#source;
    const folders = this.#folders;
    this.#key = folders.join("\n");
    const source = this.#open(fileEventsUrl(this.#siteName, folders));
    this.#source = source;
    const isCurrent = () => this.#source === source;
    const isHeard = () => isCurrent() || this.#outgoing === source;
    source.addEventListener("ready", () => {
      if (!isCurrent()) return;
      this.#closeOutgoing();
      const before = this.#watchedLive;
      this.#watchedLive = new Set(folders);
      this.#handlers.onLiveChange(true);
      this.#handlers.onReady(folders.filter((folder) => !before.has(folder)));
    });
    source.addEventListener("change", (event) => {
      const folder = folderOfEvent((event as MessageEvent).data);
      if (isHeard() && folder !== null) this.#handlers.onChange(folder);
    });
    source.addEventListener("gone", (event) => {
      const folder = folderOfEvent((event as MessageEvent).data);
      if (isHeard() && folder !== null) this.#handlers.onGone(folder);
    });
    // A named "error" event is the server's own (it could not watch); a plain one is the connection's, which the
    // browser retries by itself unless the request was refused outright.
    source.addEventListener("error", (event) => {
      if (this.#outgoing === source) {
        this.#closeOutgoing(); // the new stream carries on alone
        return;
      }
      if (!isCurrent()) return;
      this.#watchedLive = new Set();
      this.#handlers.onLiveChange(false);
      if (event instanceof MessageEvent || source.readyState === closedState) {
        source.close();
        this.#source = null;
      }
    });
  }
}
