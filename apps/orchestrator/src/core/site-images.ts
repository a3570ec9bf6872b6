/** What the image route does: turns a site's image recipe into the image reference its service runs. */
import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import type { SiteId } from "@director/domain/site";
import type { ImageBuilder } from "./image-builder.js";
import type { ImageDistribution } from "./image-distribution.js";
import {
  isParentOnly,
  renderSiteDockerfile,
  type SiteImageRecipe,
  siteIdLabel,
  siteImageLabels,
  siteImageTag,
} from "./site-dockerfile.js";

/** What SiteImages needs. */
export interface SiteImagesDeps {
  builder: ImageBuilder;
  /** names and labels every site image, like the services */
  installationId: string;
  /**
   * Makes sure the orchestrator's own base image (and its stable `director/base-busybox:latest` tag) exists before a
   * recipe refers to it; cached by its provider.
   */
  baseImage: () => Promise<ImageRef>;
  /** Makes what `prepare` answers reachable from every node (a registry); absent: one node, local references. */
  distribution?: ImageDistribution;
}

/** Per-site images: built only when the recipe adds something to its parent, and reused while the recipe is unchanged. */
export class SiteImages {
  readonly #deps: SiteImagesDeps;

  constructor(deps: SiteImagesDeps) {
    this.#deps = deps;
  }

  /** The image the site should run: the parent itself, or the site's own image (built now when missing). */
  async prepare(recipe: SiteImageRecipe): Promise<{ image: ImageRef; isBuilt: boolean }> {
    const dockerfile = renderSiteDockerfile(recipe, this.#deps.installationId); // checks every field first
    await this.#deps.baseImage();
    const parentId = await this.#deps.builder.imageId(recipe.parent);
    if (parentId === null) {
      throw new DirectorError(
        "IMAGE_BUILD_FAILED",
        `The image ${recipe.parent} that this site's image is based on is not on the Docker engine; an administrator makes it (director images make-base) or pulls it.`,
        { details: { log: [] } },
      );
    }
    if (isParentOnly(recipe)) return { image: await this.#distribute(recipe.parent), isBuilt: false };
    const tag = siteImageTag(this.#deps.installationId, recipe.siteId, parentId, dockerfile);
    if ((await this.#deps.builder.imageId(tag)) !== null) return { image: await this.#distribute(tag), isBuilt: false };
    await this.#deps.builder.build(tag, dockerfile);
    return { image: await this.#distribute(tag), isBuilt: true };
  }

  #distribute(ref: ImageRef): Promise<ImageRef> {
    return this.#deps.distribution?.distribute(ref) ?? Promise.resolve(ref);
  }

  /** Every site image of this installation, by the site it belongs to (its `org.director.site-id` label). */
  async listBySite(): Promise<Map<SiteId, ImageRef[]>> {
    const { builder, installationId } = this.#deps;
    const { [siteIdLabel]: _site, ...installationLabels } = siteImageLabels(installationId, 1 as SiteId);
    const bySite = new Map<SiteId, ImageRef[]>();
    for (const image of await builder.listLabelled(installationLabels)) {
      const id = Number(image.labels[siteIdLabel]);
      if (!Number.isSafeInteger(id) || id <= 0) continue; // labelled by hand, not by us: leave it alone
      bySite.set(id as SiteId, [...(bySite.get(id as SiteId) ?? []), image.ref]);
    }
    return bySite;
  }

  /**
   * Removes the site's own images but `keep` (null: all of them, for a deleted site), which keeps every tag of its
   * image (the local one a rebuild looks for and the registry's a push made). One a container still uses
   * (the running task, or a stopped one Swarm keeps in its task history) stays and is listed in `inUse`; a later
   * prune of the site takes it once that container is gone. Base images are never touched: they carry no site label.
   */
  async prune(siteId: SiteId, keep: ImageRef | null): Promise<{ removed: ImageRef[]; inUse: ImageRef[] }> {
    const { builder, installationId } = this.#deps;
    const keptId = keep === null ? null : await builder.imageId(keep);
    const tags = (await builder.listLabelled(siteImageLabels(installationId, siteId)))
      .filter((image) => keptId === null || image.id !== keptId)
      .map((image) => image.ref);
    const removed: ImageRef[] = [];
    const inUse: ImageRef[] = [];
    for (const tag of tags) {
      if (tag === keep) continue;
      const outcome = await builder.remove(tag);
      if (outcome === "removed") removed.push(tag);
      if (outcome === "in_use") inUse.push(tag);
    }
    return { removed, inUse };
  }
}
