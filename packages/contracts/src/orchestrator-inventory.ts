/** The orchestrator's inventory: what exists of each site on its machine, which the reconciler compares with the database. */
import { z } from "zod";
import { siteIdSchema } from "./internal-values.js";
import { balancerSiteSpecSchema } from "./orchestrator-sites.js";
import { route } from "./route.js";

/** One site as the orchestrator finds it on its machine. */
export const siteInventorySchema = z.object({
  id: siteIdSchema,
  /** `<sites dir>/<id>` exists (a directory) */
  hasDirectory: z.boolean(),
  balancer: z.object({
    /** the balancer serves the site: it has an entry in the site index or a server block of its own */
    hasConfig: z.boolean(),
    /** the spec the balancer was last given (without the upstream), or null when none is kept */
    spec: balancerSiteSpecSchema.nullable(),
    /**
     * the site's entry and own block are exactly what `spec` makes of them now, with the task's current address;
     * false without them or without a spec
     */
    isConfigCurrent: z.boolean(),
  }),
  /** the site's Swarm service of this installation, or null when there is none */
  service: z
    .object({
      name: z.string(),
      /** desired replicas */
      replicas: z.number().int().min(0),
      image: z.string(),
      labels: z.record(z.string(), z.string()),
    })
    .nullable(),
  /** the tags of the site's own images (labelled with this installation and the site); [] without Docker */
  images: z.array(z.string()).default([]),
});
export type SiteInventory = z.infer<typeof siteInventorySchema>;

/**
 * Every site the orchestrator finds anything of (a directory, a balancer file or spec, a service of its
 * installation), by id. `isDockerAvailable` false: no engine at start, services are not listed (`service` null).
 */
export const orchestratorInventorySchema = z.object({
  installationId: z.string(),
  isDockerAvailable: z.boolean(),
  sites: z.array(siteInventorySchema),
});
export type OrchestratorInventory = z.infer<typeof orchestratorInventorySchema>;

export const inventoryRoute = route({
  method: "GET",
  path: "/internal/v1/inventory",
  caller: "internal",
  /** with `siteId`, that site only, listed even when nothing of it exists */
  query: z.object({ siteId: siteIdSchema.optional() }),
  answer: orchestratorInventorySchema,
  answerKind: "json",
  summary: "what exists of every site here (or of one): directory, balancer file and spec, service, images; reads only",
});
