import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { Logger } from "pino";
import { NoSiteVolumes } from "../core/no-site-volumes.js";
import type { SiteDiskUsage, SiteVolumes } from "../core/ports.js";
import { LoopSiteVolumes } from "./loop-site-volumes.js";
import { spaceOf } from "./site-volume-images.js";

/**
 * The site volumes DIRECTOR_SITE_VOLUMES asks for, chosen once the orchestrator starts (`resolve`): whether loop
 * devices work is a fact of the machine, checked there. Until then, and with `directory`, sites are plain directories.
 */
export class ConfiguredSiteVolumes implements SiteVolumes {
  readonly #mode: "auto" | "loop" | "directory";
  readonly #createLoop: () => LoopSiteVolumes;
  readonly #sitesDir: string;
  #chosen: SiteVolumes = new NoSiteVolumes();

  constructor(mode: "auto" | "loop" | "directory", createLoop: () => LoopSiteVolumes, sitesDir: string) {
    this.#mode = mode;
    this.#createLoop = createLoop;
    this.#sitesDir = sitesDir;
  }

  get isEnforced(): boolean {
    return this.#chosen.isEnforced;
  }

  /** Picks the volumes (CONFIG_INVALID when `loop` cannot work here) and mounts what is not mounted. */
  async resolve(log: Logger): Promise<void> {
    if (this.#mode !== "directory") {
      const reason = await LoopSiteVolumes.check();
      if (reason === null) {
        this.#chosen = this.#createLoop();
      } else if (this.#mode === "loop") {
        throw new DirectorError("CONFIG_INVALID", `DIRECTOR_SITE_VOLUMES=loop cannot work here: ${reason}.`);
      } else {
        log.warn(
          { reason },
          "sites are plain directories, held to no disk quota: site volumes cannot work here (DIRECTOR_SITE_VOLUMES=auto)",
        );
      }
    }
    await this.#chosen.prepare();
  }

  prepare(): Promise<void> {
    return this.#chosen.prepare();
  }
  attach(id: SiteId, quotaBytes: number | null): Promise<void> {
    return this.#chosen.attach(id, quotaBytes);
  }
  setQuota(id: SiteId, quotaBytes: number): Promise<SiteDiskUsage> {
    return this.#chosen.setQuota(id, quotaBytes);
  }
  remove(id: SiteId): Promise<boolean> {
    return this.#chosen.remove(id);
  }
  usageOf(id: SiteId): Promise<SiteDiskUsage | null> {
    return this.#chosen.usageOf(id);
  }
  usage(): Promise<Map<SiteId, SiteDiskUsage>> {
    return this.#chosen.usage();
  }
  /** The images' filesystem, or with plain directories the sites directory's. */
  async space(): Promise<{ totalBytes: number; freeBytes: number } | null> {
    return (await this.#chosen.space()) ?? spaceOf(this.#sitesDir).catch(() => null);
  }
}
