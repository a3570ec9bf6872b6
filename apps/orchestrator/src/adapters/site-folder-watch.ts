/**
 * Watches folders of a site for changes (inotify through fs.watch), so that a workspace's tree shows a file made in a
 * terminal or by the site's process without a reload.
 *
 * The site's own code controls its tree and may swap a folder for a link at any moment. Each folder is opened without
 * following links (directory-walk.ts), and the watch is placed on the open directory itself, through its
 * `/proc/self/fd/N` entry, which the kernel resolves to the inode already open: a link swapped in later redirects
 * nothing, and no name outside the site is ever reported. Only names come out of a watch, never contents, and the
 * caller gets the watched folder's own path, not the names.
 */
import { type FSWatcher, watch } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { SiteId } from "@director/domain/site";
import type { SitePath } from "@director/domain/site-path";
import type { FolderEvent, SiteFolderWatch } from "../core/ports.js";
import { openDirectoryBelow } from "./directory-walk.js";

/** Changes within this long are reported once. */
const settleMs = 150;

export class FsSiteFolderWatch implements SiteFolderWatch {
  readonly #siteDirOf: (id: SiteId) => string;

  constructor(siteDirOf: (id: SiteId) => string) {
    this.#siteDirOf = siteDirOf;
  }

  async watch(
    id: SiteId,
    folders: ReadonlyArray<SitePath | null>,
    onEvent: (event: FolderEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const root = this.#siteDirOf(id);
    const watchers: FSWatcher[] = [];
    const timers = new Set<NodeJS.Timeout>();
    const stop = () => {
      for (const watcher of watchers) watcher.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    };
    signal.addEventListener("abort", stop, { once: true });
    for (const folder of new Set(folders)) {
      if (signal.aborted) break;
      const shown = folder ?? "";
      const segments = folder === null ? [] : folder.split("/");
      let handle: FileHandle;
      try {
        handle = await openDirectoryBelow(root, segments, { shouldCreate: false });
      } catch {
        // Not there, not a folder, or a link: nothing to watch, which the page learns as "gone".
        onEvent({ type: "gone", folder: shown });
        continue;
      }
      try {
        const identity = await handle.stat();
        let pending: NodeJS.Timeout | null = null;
        const watcher = watch(`/proc/self/fd/${handle.fd}`, { persistent: false }, () => {
          if (pending !== null || signal.aborted) return;
          pending = setTimeout(() => {
            if (pending !== null) timers.delete(pending);
            pending = null;
            void this.#report(root, segments, identity, shown, onEvent, () => watcher.close());
          }, settleMs);
          timers.add(pending);
        });
        // The folder itself removed: inotify ends the watch, which fs.watch reports as an error or a close.
        watcher.on("error", () => onEvent({ type: "gone", folder: shown }));
        watchers.push(watcher);
      } finally {
        // The watch holds the directory's inode by itself.
        await handle.close();
      }
    }
    if (signal.aborted) stop();
  }

  /** A change, or "gone" when the folder's path no longer leads to the directory that was watched. */
  async #report(
    root: string,
    segments: string[],
    identity: { dev: number; ino: number },
    shown: string,
    onEvent: (event: FolderEvent) => void,
    closeWatch: () => void,
  ): Promise<void> {
    let isSame = false;
    try {
      const handle = await openDirectoryBelow(root, segments, { shouldCreate: false });
      try {
        const now = await handle.stat();
        isSame = now.dev === identity.dev && now.ino === identity.ino;
      } finally {
        await handle.close();
      }
    } catch {
      isSame = false;
    }
    if (isSame) {
      onEvent({ type: "change", folder: shown });
    } else {
      closeWatch();
      onEvent({ type: "gone", folder: shown });
    }
  }
}
