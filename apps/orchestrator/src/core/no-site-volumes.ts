import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SiteDiskUsage, SiteVolumes } from "./ports.js";

/** Plain directories: no volume, no limit, no measure (DIRECTOR_SITE_VOLUMES=directory). */
export class NoSiteVolumes implements SiteVolumes {
  readonly isEnforced = false;
  async prepare(): Promise<void> {}
  async attach(): Promise<void> {}
  async setQuota(id: SiteId): Promise<SiteDiskUsage> {
    throw new DirectorError(
      "SITE_VOLUMES_DISABLED",
      `Site ${id} has no volume to hold to a quota: this orchestrator keeps sites in plain directories (DIRECTOR_SITE_VOLUMES=directory).`,
    );
  }
  async remove(): Promise<boolean> {
    return false;
  }
  async usageOf(): Promise<SiteDiskUsage | null> {
    return null;
  }
  async usage(): Promise<Map<SiteId, SiteDiskUsage>> {
    return new Map();
  }
  async space(): Promise<{ totalBytes: number; freeBytes: number } | null> {
    return null;
  }
}
