/** Each site's last balancer spec as a JSON file `<stateDir>/site-<id>.json`, written atomically. */
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { type BalancerSiteSpec, balancerSiteSpecSchema } from "@director/contracts/orchestrator-sites";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { writeFileAtomic } from "@director/host/atomic-write";
import type { BalancerSpecStore } from "../core/ports.js";

/** The orchestrator's own state directory; private to it (0700, files 0600). */
export class FsBalancerSpecStore implements BalancerSpecStore {
  readonly #stateDir: string;

  constructor(stateDir: string) {
    if (!path.isAbsolute(stateDir)) {
      throw new DirectorError(
        "CONFIG_INVALID",
        `The orchestrator state directory must be absolute, not "${stateDir}".`,
      );
    }
    this.#stateDir = path.normalize(stateDir);
  }

  async put(spec: BalancerSiteSpec): Promise<void> {
    const checked = balancerSiteSpecSchema.parse(spec);
    await mkdir(this.#stateDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.#fileOf(parseSiteId(checked.id)), `${JSON.stringify(checked)}\n`, { mode: 0o600 });
  }

  async get(id: SiteId): Promise<BalancerSiteSpec | null> {
    let text: string;
    try {
      text = await readFile(this.#fileOf(id), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    return balancerSiteSpecSchema.parse(JSON.parse(text));
  }

  async remove(id: SiteId): Promise<void> {
    await rm(this.#fileOf(id), { force: true });
  }

  async list(): Promise<SiteId[]> {
    let names: string[];
    try {
      names = await readdir(this.#stateDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names
      .map((name) => /^site-([1-9][0-9]{0,14})\.json$/.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map((id) => parseSiteId(id))
      .sort((a, b) => a - b);
  }

  #fileOf(id: SiteId): string {
    return path.join(this.#stateDir, `site-${parseSiteId(id)}.json`);
  }
}
