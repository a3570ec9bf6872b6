import { DirectorError } from "@director/domain/errors";
import type { SiteRecord as Site, SiteId } from "@director/domain/site";
import { z } from "zod";
import { siteProcessSettings } from "../sites/site-process-settings.js";
import { ensureSiteDatabase, removeSiteDatabase, setSiteDatabasePassword } from "./database-steps.js";
import { ensureCertificates, issueCertificate, removeCertificate, serveDomains } from "./domain-steps.js";
import { addRoute, forgetExpiredNames, stopRedirects, updateRedirects } from "./name-steps.js";
import type { StepContext, StepDefinition } from "./step-definition.js";

/** The kinds of operation this release performs. */
export const operationKinds = [
  "create_site",
  "delete_site",
  "change_site_type",
  "restart_site",
  "update_availability",
  "update_limits",
  "reconcile_site",
  "update_image",
  "update_domains",
  "issue_certificate",
  "create_site_database",
  "rotate_site_database_password",
  "delete_site_database",
  "update_environment",
  "rename_site",
  "release_site_names",
] as const;
export type OperationKind = (typeof operationKinds)[number];

export type { StepContext, StepDefinition } from "./step-definition.js";

/** A dynamic site runs its process (scaled to zero unless enabled). Static sites never need Docker. */
const startService: StepDefinition = {
  slug: "start_service",
  name: "Start the site's process",
  run: async (context) => {
    const { site, host } = context;
    if (site?.type === "dynamic") {
      await host.upsertService(await serviceRequest(site, context));
    }
  },
};

/** What the orchestrator needs to run a dynamic site's process: enabled or not, its limits, image and variables. */
async function serviceRequest(site: Site, { databases }: Pick<StepContext, "databases">) {
  const env = await databases.environment(site);
  return { id: site.id, isEnabled: site.availability === "enabled", ...siteProcessSettings(site), env };
}

/** After a type change: a dynamic site gets its process, a site made static loses it. */
const syncService: StepDefinition = {
  slug: "sync_service",
  name: "Start or stop the site's process",
  run: async (context) => {
    const { site, host } = context;
    if (!site) return;
    if (site.type === "dynamic") {
      await host.upsertService(await serviceRequest(site, context));
    } else {
      await host.removeService(site.id);
    }
  },
};

const writeBalancerConfig: StepDefinition = {
  slug: "write_balancer_config",
  name: "Configure the balancer to serve the site",
  run: async ({ site, host, balancerSpec }) => {
    if (site) await host.upsertBalancer(balancerSpec(site));
  },
};

const ensureDirectories: StepDefinition = {
  slug: "create_site_directories",
  name: "Create the site's directories",
  run: async ({ site, host }) => {
    if (site) await host.ensureDirectories(site.id);
  },
};

/**
 * What a create operation may be queued with: a course's site starts from its template's files and on its image
 * (built like an image change, run.sh written from the image's template when no template gave one).
 */
export const createSiteInputSchema = z.object({
  templateSiteId: z.number().int().positive().optional(),
  imageId: z.number().int().positive().optional(),
  packages: z.array(z.string()).max(50).default([]),
  writeRunScript: z.boolean().default(false),
});
export type CreateSiteInput = z.input<typeof createSiteInputSchema>;

const copyTemplate: StepDefinition = {
  slug: "copy_template",
  name: "Copy the template site's files",
  run: async ({ site, input, host }) => {
    const { templateSiteId } = createSiteInputSchema.parse(input ?? {});
    if (site && templateSiteId !== undefined) await host.copySiteFiles(site.id, templateSiteId as SiteId);
  },
};

/**
 * The steps a create operation lists: the optional ones only when its input asks for them (an operation made before
 * they existed lists none of them, and runs as it did).
 */
export function createSiteSteps(input: CreateSiteInput | undefined): Array<{ slug: string; name: string }> {
  const optional = new Set<string>();
  if (input?.templateSiteId !== undefined) optional.add("copy_template");
  if (input?.imageId !== undefined) optional.add("build_image");
  if (input?.imageId !== undefined && input.writeRunScript === true) optional.add("write_run_script");
  return createSite
    .filter((step) => !optionalCreateSteps.has(step.slug) || optional.has(step.slug))
    .map(({ slug, name }) => ({ slug, name }));
}

const createSite: StepDefinition[] = [
  ensureDirectories,
  copyTemplate,
  // defined with the image change below, which they are
  { slug: "build_image", name: "Build the site's image", run: (context) => runImageStep("build_image", context) },
  {
    slug: "write_run_script",
    name: "Write run.sh from the image's template",
    run: (context) => runImageStep("write_run_script", context),
  },
  startService,
  writeBalancerConfig,
  addRoute,
  {
    slug: "mark_ready",
    name: "Mark the site ready",
    run: async ({ site, sites }) => {
      if (site) await sites.markReady(site);
    },
  },
];

const optionalCreateSteps = new Set(["copy_template", "build_image", "write_run_script"]);

const deleteSite: StepDefinition[] = [
  {
    slug: "remove_route",
    name: "Remove the site's route",
    run: async ({ site, host }) => {
      if (site) await host.removeRoute(site.id);
    },
  },
  {
    slug: "remove_balancer_config",
    name: "Stop serving the site",
    run: async ({ site, host }) => {
      if (site) await host.removeBalancer(site.id);
    },
  },
  {
    slug: "remove_service",
    name: "Stop and remove the site's process",
    run: async ({ site, host }) => {
      // A static site's process was removed when it became static; reconcile catches any leftover.
      if (site?.type === "dynamic") await host.removeService(site.id);
    },
  },
  removeSiteDatabase,
  {
    slug: "remove_site_files",
    name: "Delete the site's files",
    run: async ({ site, host }) => {
      if (site) await host.removeDirectories(site.id);
    },
  },
  stopRedirects,
  {
    slug: "forget_site",
    name: "Remove the site from the database",
    run: async ({ site, sites }) => {
      if (site) await sites.forget(site);
    },
  },
];

/** The type is already changed in the database (with the operation, in one transaction); this applies it. */
const changeSiteType: StepDefinition[] = [syncService, writeBalancerConfig];

const restartSite: StepDefinition[] = [
  {
    slug: "restart_service",
    name: "Restart the site's process",
    run: async ({ site, host }) => {
      if (site?.type === "dynamic") await host.restartService(site.id);
    },
  },
];

/** Availability or limits changed in the database (with the operation); the process and balancer follow. */
const applySiteSettings: StepDefinition[] = [
  { ...startService, slug: "update_service", name: "Apply the settings to the site's process" },
  writeBalancerConfig,
];

/**
 * `director reconcile` puts back what drifted from the database, with the steps the other operations use. A queued
 * reconcile operation holds only the steps its site's drift needs, in this order (the worker runs the steps an
 * operation lists, each found here by its slug).
 */
const reconcileSite: StepDefinition[] = [
  // A ready database its host lost: made again, empty, with its stored password (its data is not restored).
  { ...ensureSiteDatabase, name: "Make the site's missing database and its user again (empty)" },
  ensureDirectories,
  syncService,
  ensureCertificates,
  writeBalancerConfig,
  addRoute,
];
/** What an image change is queued with: the site row keeps its current image until the build has succeeded. */
export const updateImageInputSchema = z.object({
  imageId: z.number().int().positive(),
  /** checked, deduplicated and sorted package names */
  packages: z.array(z.string()).max(50),
  /** write the image's run.sh template to /site/run.sh once the build succeeded (absent in older operations) */
  writeRunScript: z.boolean().default(false),
});
export type UpdateImageInput = z.infer<typeof updateImageInputSchema>;

/**
 * Builds the site's image, then (when asked) writes run.sh from the image's template, then runs it. A failed build
 * fails the operation (IMAGE_BUILD_FAILED, with the build log in the step's message) before anything is written:
 * the site row, its run.sh and its service keep what they had.
 */
const updateImage: StepDefinition[] = [
  {
    slug: "build_image",
    name: "Build the site's image",
    run: async ({ site, input, images, host, sites }) => {
      if (!site) return;
      const { imageId, packages } = updateImageInputSchema.parse(input);
      const image = await images.findById(imageId);
      if (!image) {
        throw new DirectorError("IMAGE_NOT_FOUND", "The image this change asked for was deleted; choose another.");
      }
      const built = await host.buildSiteImage({
        id: site.id,
        parent: image.parentRef,
        setupCommands: image.setupCommands,
        installCommandPrefix: image.installCommandPrefix,
        packages,
      });
      await sites.setImage(site, { imageId, extraPackages: packages, imageRef: built.image });
    },
  },
  {
    slug: "write_run_script",
    name: "Write run.sh from the image's template",
    run: async ({ site, input, images, host }) => {
      const { imageId, writeRunScript } = updateImageInputSchema.parse(input);
      if (!site || !writeRunScript) return;
      const image = await images.findById(imageId);
      // Checked when the change was asked for; an administrator may have emptied the template since.
      if (!image || image.runShTemplate.trim() === "") {
        throw new DirectorError("VALIDATION_FAILED", "The image no longer has a run.sh template; nothing was written.");
      }
      await host.writeRunScript(site.id, image.runShTemplate);
    },
  },
  {
    slug: "apply_image",
    name: "Run the site's process on its new image",
    run: async (context) => {
      const { site, host } = context;
      if (site?.type === "dynamic") await host.upsertService(await serviceRequest(site, context));
    },
  },
];

/**
 * A domain was added to the site or taken off it (in the database, with the operation): the balancer serves the site
 * at the domains the database now lists, and the router routes them.
 */
const updateDomains: StepDefinition[] = [
  { ...writeBalancerConfig, name: "Serve the site at its domains" },
  addRoute,
  removeCertificate,
];

/**
 * A domain's DNS points here: the balancer serves the site at its domains over HTTP first (the certificate authority
 * checks the challenge there; a domain added while the site was busy is served from here on), then the certificate,
 * then HTTPS with it.
 */
const issueCertificateSteps: StepDefinition[] = [
  { ...writeBalancerConfig, name: "Serve the site at its domains over HTTP" },
  issueCertificate,
  serveDomains,
];

/**
 * A dynamic site's process runs with its database's variables (none once the database is being removed); a changed
 * variable makes Docker restart it. A static site has no process: its terminals read the variables when they open.
 */
const applyDatabaseEnvironment: StepDefinition = {
  ...startService,
  slug: "apply_database_environment",
  name: "Give the site's process its database variables",
};

const createSiteDatabase: StepDefinition[] = [ensureSiteDatabase, applyDatabaseEnvironment];
const rotateSiteDatabasePassword: StepDefinition[] = [setSiteDatabasePassword, applyDatabaseEnvironment];
const deleteSiteDatabase: StepDefinition[] = [
  { ...applyDatabaseEnvironment, name: "Take the database's variables from the site's process" },
  removeSiteDatabase,
];

/** A member changed the site's variables: its process restarts with them (Docker does, the spec's env having changed). */
const updateEnvironment: StepDefinition[] = [
  { ...startService, slug: "apply_environment", name: "Restart the site's process with its variables" },
];

/** An image step of a create operation: the image change's own, after the image choice is recorded for the site. */
async function runImageStep(slug: string, context: StepContext): Promise<void> {
  const step = updateImage.find((candidate) => candidate.slug === slug);
  if (!step) throw new Error(`No image step ${slug}.`);
  await step.run(context);
}

/**
 * The new name is already the site's in the database, its old one held as a former name (with the operation, in one
 * transaction): the balancer serves the new name, the router routes both, and the old one redirects to the new.
 */
const renameSite: StepDefinition[] = [
  { ...writeBalancerConfig, name: "Serve the site at its new name" },
  { ...addRoute, name: "Route the new name and the former ones to the balancer" },
  updateRedirects,
];

/**
 * A former name's grace period is over (the name releaser queues this): its redirect and its route go, then its row,
 * which frees the name for a new site only once nothing on the machines still answers it.
 */
const releaseSiteNames: StepDefinition[] = [
  { ...updateRedirects, name: "Stop redirecting the site's expired former names" },
  { ...addRoute, name: "Route only the site's current names" },
  forgetExpiredNames,
];

/** The ordered steps of each operation kind. */
export const operationPlans: Record<OperationKind, StepDefinition[]> = {
  create_site: createSite,
  delete_site: deleteSite,
  change_site_type: changeSiteType,
  restart_site: restartSite,
  update_availability: applySiteSettings,
  update_limits: applySiteSettings,
  reconcile_site: reconcileSite,
  update_image: updateImage,
  update_domains: updateDomains,
  issue_certificate: issueCertificateSteps,
  create_site_database: createSiteDatabase,
  rotate_site_database_password: rotateSiteDatabasePassword,
  delete_site_database: deleteSiteDatabase,
  update_environment: updateEnvironment,
  rename_site: renameSite,
  release_site_names: releaseSiteNames,
};

export function isOperationKind(value: string): value is OperationKind {
  return (operationKinds as readonly string[]).includes(value);
}
