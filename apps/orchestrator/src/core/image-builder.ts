/** The port that builds per-site images, and the values it takes; implemented by adapters/docker-image-builder.ts. */
import type { ImageRef } from "@director/domain/image-ref";

/** One tag of an image, with the image's labels. */
export interface LabelledImage {
  ref: ImageRef;
  /** the image's content id (`sha256:…`), the same for each of its tags */
  id: string;
  labels: Readonly<Record<string, string>>;
}

/** What removing an image came to: gone, still used by a container (kept), or not there. */
export type ImageRemoval = "removed" | "in_use" | "absent";

/** Builds (and removes) images on the engine that runs the sites. */
export interface ImageBuilder {
  /** The image's content id (`sha256:…`), or null when the engine has no image by that reference. */
  imageId(ref: ImageRef): Promise<string | null>;
  /**
   * Builds `dockerfile` (the only file of the build context) and tags the result `tag`; concurrent calls for one tag
   * share one build. A failing instruction throws IMAGE_BUILD_FAILED with the output's last lines in `details.log`.
   */
  build(tag: ImageRef, dockerfile: string): Promise<void>;
  /** The tags of the images that carry every one of `labels`, each with all of its image's labels. */
  listLabelled(labels: Readonly<Record<string, string>>): Promise<LabelledImage[]>;
  /** Removes the tag (and the image, when it was its last); never forced: an image a container uses stays. */
  remove(ref: ImageRef): Promise<ImageRemoval>;
}
