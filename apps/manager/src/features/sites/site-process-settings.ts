import type { SiteServiceRequest } from "@director/contracts/orchestrator-services";
import type { SiteRecord as Site } from "@director/domain/site";

/**
 * How the orchestrator runs the site's code: its limits and its image. The site's process and its terminals get the
 * same, so that a terminal can do exactly what the site's code can.
 */
export function siteProcessSettings(site: Site): Omit<SiteServiceRequest, "isEnabled"> {
  return {
    limits: {
      ...(site.cpus === null ? {} : { cpus: site.cpus }),
      ...(site.memoryMib === null ? {} : { memoryBytes: site.memoryMib * 1024 * 1024 }),
    },
    // The last image built successfully; none yet: the orchestrator's base image.
    ...(site.imageRef === null ? {} : { image: site.imageRef }),
  };
}
