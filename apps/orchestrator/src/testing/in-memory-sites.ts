import { Readable } from "node:stream";
import type { DirectoryListing, FileEntry, FileWritten } from "@director/contracts/orchestrator-files";
import type { CustomDomain } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SitePath } from "@director/domain/site-path";
import { DirectoryPageSelector, firstDirectoryPage } from "../core/directory-page.js";
import type {
  FileContent,
  SiteDirectories,
  SiteFileMode,
  SiteFiles,
  SiteIndex,
  SiteIndexEntry,
} from "../core/ports.js";

/** A fake of SiteDirectories for unit tests: remembers which site ids have a directory. */
export class InMemorySiteDirectories implements SiteDirectories {
  readonly ids = new Set<SiteId>();
  /** Sites whose directory predates per-site accounts (adopt gives it to the site's account) */
  readonly legacyIds = new Set<SiteId>();

  async ensure(id: SiteId): Promise<void> {
    this.ids.add(id);
    this.legacyIds.delete(id);
  }

  async adopt(id: SiteId): Promise<boolean> {
    if (!this.ids.has(id)) throw new DirectorError("PATH_NOT_FOUND", `Site ${id} has no directory.`);
    return this.legacyIds.delete(id);
  }

  async remove(id: SiteId): Promise<void> {
    this.ids.delete(id);
  }

  pathOf(id: SiteId): string {
    return `/srv/sites/${id}`;
  }

  async has(id: SiteId): Promise<boolean> {
    return this.ids.has(id);
  }

  async list(): Promise<SiteId[]> {
    return [...this.ids].sort((a, b) => a - b);
  }
}

/**
 * A fake of SiteFiles for unit tests: files are Map entries keyed by site and path, and a directory is any prefix
 * of a file's path. It knows nothing of links; the real adapter's integration tests cover those.
 */
export class InMemorySiteFiles implements SiteFiles {
  readonly files = new Map<string, Buffer>();
  /** Each written file's mode, keyed like `files` */
  readonly modes = new Map<string, SiteFileMode>();

  async list(id: SiteId, path: SitePath | null, page = firstDirectoryPage): Promise<DirectoryListing> {
    const prefix = path === null ? "" : `${path}/`;
    const names = new Map<string, FileEntry>();
    for (const [key, bytes] of this.#filesOf(id)) {
      if (!key.startsWith(prefix)) continue;
      const [name, ...rest] = key.slice(prefix.length).split("/");
      if (name === undefined) continue;
      names.set(name, {
        name,
        type: rest.length > 0 ? "directory" : "file",
        sizeBytes: rest.length > 0 ? 0 : bytes.length,
        modifiedAt: "2024-01-01T00:00:00.000Z",
        mode: rest.length > 0 ? 0o755 : 0o644,
      });
    }
    if (path !== null && names.size === 0) throw new DirectorError("PATH_NOT_FOUND", `Nothing exists at ${path}.`);
    const selector = new DirectoryPageSelector(page);
    for (const name of names.keys()) selector.offer(name);
    const picked = selector.page();
    return {
      path: path ?? "",
      entries: picked.names.flatMap((name) => names.get(name) ?? []),
      totalEntries: picked.total,
      nextAfter: picked.hasMore ? (picked.names.at(-1) ?? null) : null,
    };
  }

  async read(id: SiteId, path: SitePath | null, maxBytes: number, page = firstDirectoryPage): Promise<FileContent> {
    const bytes = path === null ? undefined : this.files.get(key(id, path));
    if (bytes === undefined) return { kind: "directory", listing: await this.list(id, path, page) };
    if (bytes.length > maxBytes) throw new DirectorError("FILE_TOO_LARGE", `${path} is too large.`);
    return { kind: "file", bytes };
  }

  async write(id: SiteId, path: SitePath, bytes: Buffer, options: { mode?: SiteFileMode } = {}): Promise<FileWritten> {
    this.files.set(key(id, path), Buffer.from(bytes));
    this.modes.set(key(id, path), options.mode ?? 0o644);
    return { path, sizeBytes: bytes.length, modifiedAt: new Date(0).toISOString() };
  }

  async remove(id: SiteId, path: SitePath): Promise<void> {
    this.files.delete(key(id, path));
    this.modes.delete(key(id, path));
  }

  /** Folders exist here only through the files in them: an empty one is remembered as made, and nothing more. */
  async makeDirectory(_id: SiteId, _path: SitePath): Promise<void> {}

  async move(id: SiteId, from: SitePath, to: SitePath): Promise<void> {
    const moved = [...this.#filesOf(id)].filter(([path]) => path === from || path.startsWith(`${from}/`));
    if (moved.length === 0) throw new DirectorError("PATH_NOT_FOUND", `Nothing exists at ${from}.`);
    for (const [path, bytes] of moved) {
      const target = `${to}${path.slice(from.length)}` as SitePath;
      this.files.delete(key(id, path as SitePath));
      this.files.set(key(id, target), bytes);
    }
  }

  async changeMode(
    id: SiteId,
    path: SitePath,
    change: { mode: number } | { executable: boolean },
  ): Promise<{ mode: number }> {
    const current = this.modes.get(key(id, path)) ?? 0o644;
    const mode = "mode" in change ? change.mode & 0o777 : change.executable ? current | 0o111 : current & ~0o111;
    this.modes.set(key(id, path), mode as SiteFileMode);
    return { mode };
  }

  async removeTree(id: SiteId, path: SitePath): Promise<void> {
    for (const [filePath] of [...this.#filesOf(id)]) {
      if (filePath === path || filePath.startsWith(`${path}/`)) await this.remove(id, filePath as SitePath);
    }
  }

  /** Not a zip: the fake answers the files' paths, one per line (the real zip is tested against the filesystem). */
  async zip(id: SiteId, path: SitePath | null): Promise<Readable> {
    const prefix = path === null ? "" : `${path}/`;
    const names = [...this.#filesOf(id)].map(([name]) => name).filter((name) => name.startsWith(prefix));
    return Readable.from([names.join("\n")]);
  }

  async copyFrom(id: SiteId, fromId: SiteId): Promise<{ files: number; bytes: number }> {
    let bytes = 0;
    const copied = [...this.#filesOf(fromId)];
    for (const [name, content] of copied) {
      this.files.set(`${id}:${name}`, Buffer.from(content));
      bytes += content.length;
    }
    return { files: copied.length, bytes };
  }

  *#filesOf(id: SiteId): Generator<[string, Buffer]> {
    for (const [fileKey, bytes] of this.files) {
      if (fileKey.startsWith(`${id}:`)) yield [fileKey.slice(`${id}:`.length), bytes];
    }
  }
}

function key(id: SiteId, path: SitePath): string {
  return `${id}:${path}`;
}

/** A fake SiteIndex: entries in a Map by id, names leading to ids in another (as the links on disk do). */
export class InMemorySiteIndex implements SiteIndex {
  readonly entries = new Map<SiteId, SiteIndexEntry>();
  readonly names = new Map<string, SiteId>();

  async prepare(): Promise<void> {}

  async put(entry: SiteIndexEntry): Promise<{ stoppedServingFiles: boolean }> {
    const old = this.entries.get(entry.id);
    this.entries.set(entry.id, { ...entry });
    this.names.set(entry.name, entry.id);
    const isRenamed = old !== undefined && old.name !== entry.name;
    if (isRenamed && this.names.get(old.name) === entry.id) this.names.delete(old.name);
    return { stoppedServingFiles: old?.answer === "files" && (entry.answer !== "files" || isRenamed) };
  }

  async remove(id: SiteId): Promise<{ stoppedServingFiles: boolean }> {
    const old = this.entries.get(id);
    if (old !== undefined && this.names.get(old.name) === id) this.names.delete(old.name);
    this.entries.delete(id);
    return { stoppedServingFiles: old?.answer === "files" };
  }

  async read(
    id: SiteId,
  ): Promise<(SiteIndexEntry & { isNameLinked: boolean; unlinkedDomains: CustomDomain[] }) | null> {
    const entry = this.entries.get(id);
    // Domains are kept with their entry here: none is ever unlinked.
    return entry === undefined
      ? null
      : { ...entry, isNameLinked: this.names.get(entry.name) === id, unlinkedDomains: [] };
  }

  async listSiteIds(): Promise<SiteId[]> {
    return [...this.entries.keys()].sort((a, b) => a - b);
  }
}
