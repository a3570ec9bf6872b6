import { chmod, mkdir, unlink } from "node:fs/promises";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { writeFileAtomic } from "@director/host/atomic-write";
import { type AcmeChallengeToken, acmeChallengePathPrefix } from "../core/acme-challenge.js";
import type { ChallengeDirectory } from "../core/acme-ports.js";

/** Mode of the directories and files nginx's unprivileged workers must read. */
const publicDirMode = 0o755;
const publicFileMode = 0o644;

/**
 * HTTP-01 tokens as files under `<root>/.well-known/acme-challenge/`, the layout an nginx
 * `location ^~ /.well-known/acme-challenge/ { root <root>; }` serves. Each file appears whole (temporary file +
 * rename), so the certificate authority never reads a half-written key authorization.
 */
export class FsChallengeDirectory implements ChallengeDirectory {
  readonly #root: string;
  readonly #tokenDir: string;

  constructor(root: string) {
    if (!path.isAbsolute(root)) {
      throw new DirectorError(
        "CONFIG_INVALID",
        `The ACME challenge directory must be an absolute path, not "${root}".`,
      );
    }
    this.#root = root;
    this.#tokenDir = path.join(root, ...acmeChallengePathPrefix.split("/").filter(Boolean));
  }

  /** The directory nginx's `root` directive must name. */
  get root(): string {
    return this.#root;
  }

  async put(token: AcmeChallengeToken, keyAuthorization: string): Promise<void> {
    await this.#ensureTokenDir();
    await writeFileAtomic(this.#tokenPath(token), keyAuthorization, { mode: publicFileMode });
  }

  async remove(token: AcmeChallengeToken): Promise<void> {
    await unlink(this.#tokenPath(token)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  #tokenPath(token: AcmeChallengeToken): string {
    // The token's grammar (base64url) keeps it one file name inside the token directory.
    return path.join(this.#tokenDir, token);
  }

  /**
   * Creates `<root>/.well-known/acme-challenge` readable by nginx's workers whatever the umask: mkdir's mode is
   * narrowed by it, so every directory made here is given its mode again. Existing directories are left as they are.
   */
  async #ensureTokenDir(): Promise<void> {
    const firstCreated = await mkdir(this.#tokenDir, { recursive: true, mode: publicDirMode });
    if (firstCreated === undefined) return;
    for (let dir = this.#tokenDir; ; dir = path.dirname(dir)) {
      await chmod(dir, publicDirMode);
      if (dir === firstCreated || dir === path.dirname(dir)) break;
    }
  }
}
