import { readdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import { Mutex } from "async-mutex";
import { writeFileAtomic } from "./atomic-write.js";
import type { ConfigFiles } from "./config-files.js";
import type { Logger } from "./logger.js";
import { isNginxConfigFileName, type NginxConfigFileName } from "./nginx-config-file-name.js";
import type { NginxServer } from "./nginx-server.js";

/** Files of a store's directory that every check includes (see NginxConfigStore). */
const sharedFilePrefix = "00-";

/** What a store needs from the nginx that includes its directory. */
export type NginxConfigTarget = Pick<NginxServer, "testFiles" | "reload">;

/**
 * One directory of per-site nginx config files, changed transactionally: swap one file, check that file alone
 * (`nginx -t` of the main configuration with only it and the directory's shared files included), reload; on any
 * failure the previous file comes back, so the running nginx keeps serving the old config and no other site is
 * touched. Changing one site costs one file and one file's check, never a rewrite or a check of all; changes made at
 * the same time share one reload.
 *
 * Shared files are named `00-*.conf` (sorted first, so nginx reads them before the files that use them): what other
 * files of the directory refer to, such as the router's upstream of balancers. Every check includes them.
 */
export class NginxConfigStore implements ConfigFiles {
  readonly #dir: string;
  readonly #server: NginxConfigTarget;
  readonly #log: Logger;
  /** One lock per file with a change in flight: a file's changes (and their rollbacks) never interleave. */
  readonly #locks = new Map<NginxConfigFileName, Mutex>();

  constructor(dir: string, server: NginxConfigTarget, log: Logger) {
    this.#dir = dir;
    this.#server = server;
    this.#log = log;
  }

  /** Installs `content` as `name` and reloads nginx; a no-op when the file already has exactly this content. */
  put(name: NginxConfigFileName, content: string): Promise<void> {
    return this.#exclusive(name, async () => {
      const previous = await this.#readFile(name);
      if (previous === content) return;
      await this.#writeFile(name, content);
      await this.#applyOrRestore(name, previous, { shouldTest: true });
      this.#log.info({ file: name, dir: this.#dir }, "nginx config file installed");
    });
  }

  /** Deletes `name` and reloads nginx; a no-op when there is no such file. */
  remove(name: NginxConfigFileName): Promise<void> {
    return this.#exclusive(name, async () => {
      const previous = await this.#readFile(name);
      if (previous === null) return;
      await unlink(this.#path(name));
      // Nothing to check: if another file needed this one, the master refuses the reload and we restore.
      await this.#applyOrRestore(name, previous, { shouldTest: false });
      this.#log.info({ file: name, dir: this.#dir }, "nginx config file removed");
    });
  }

  /** The content of `name`, or null when there is no such file. */
  read(name: NginxConfigFileName): Promise<string | null> {
    return this.#readFile(name);
  }

  /** The config files in the directory, sorted (staging files such as `x.conf.next` are not listed). */
  async list(): Promise<NginxConfigFileName[]> {
    const entries = await readdir(this.#dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && isNginxConfigFileName(entry.name))
      .map((entry) => entry.name as NginxConfigFileName)
      .sort();
  }

  /** Tests and reloads the files as they now are; on failure puts `previous` back (null: no file) and throws. */
  async #applyOrRestore(
    name: NginxConfigFileName,
    previous: string | null,
    { shouldTest }: { shouldTest: boolean },
  ): Promise<void> {
    try {
      if (shouldTest) await this.#server.testFiles(await this.#filesToCheckWith(name));
    } catch (error) {
      await this.#restore(name, previous);
      if (!isDirectorError(error) || error.code !== "NGINX_CONFIG_REJECTED") throw error;
      const nginxError = nginxErrorOf(error);
      throw new DirectorError(
        "NGINX_CONFIG_REJECTED",
        `nginx rejected ${name}; the previous version was kept: ${nginxError}`,
        {
          details: { file: name, nginxError },
          cause: error,
        },
      );
    }
    try {
      await this.#server.reload();
    } catch (error) {
      await this.#restore(name, previous);
      const nginxError = nginxErrorOf(error);
      throw new DirectorError(
        "NGINX_RELOAD_FAILED",
        `nginx could not reload after changing ${name}; the previous version was restored: ${nginxError}`,
        { details: { file: name, nginxError }, cause: error },
      );
    }
  }

  async #restore(name: NginxConfigFileName, previous: string | null): Promise<void> {
    try {
      if (previous === null) await unlinkIfPresent(this.#path(name));
      else await this.#writeFile(name, previous);
    } catch (error) {
      // The original failure is what the caller must see; this one needs an operator, so it is logged loudly.
      this.#log.error({ err: error, file: name, dir: this.#dir }, "could not restore an nginx config file");
    }
  }

  /** The directory's shared files, then `name` (once, if it is one of them). */
  async #filesToCheckWith(name: NginxConfigFileName): Promise<string[]> {
    const shared = (await this.list()).filter((file) => file.startsWith(sharedFilePrefix) && file !== name);
    return [...shared, name].map((file) => this.#path(file));
  }

  #exclusive(name: NginxConfigFileName, fn: () => Promise<void>): Promise<void> {
    let lock = this.#locks.get(name);
    if (lock === undefined) {
      lock = new Mutex();
      this.#locks.set(name, lock);
    }
    const held = lock;
    return held.runExclusive(fn).finally(() => {
      // A release hands the lock to the next waiter at once (async-mutex), so an unlocked one has nobody waiting.
      if (!held.isLocked() && this.#locks.get(name) === held) this.#locks.delete(name);
    });
  }

  #writeFile(name: NginxConfigFileName, content: string): Promise<void> {
    // Staged as `name.next`, which `include dir/*.conf` never picks up, then renamed over `name`.
    const path = this.#path(name);
    return writeFileAtomic(path, content, { tempPath: `${path}.next` });
  }

  async #readFile(name: NginxConfigFileName): Promise<string | null> {
    try {
      return await readFile(this.#path(name), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  #path(name: NginxConfigFileName): string {
    return join(this.#dir, name);
  }
}

function nginxErrorOf(error: unknown): string {
  const detail = isDirectorError(error) ? error.details?.nginxError : undefined;
  return typeof detail === "string" ? detail : error instanceof Error ? error.message : String(error);
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
