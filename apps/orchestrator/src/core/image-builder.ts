/** The port that builds per-site images, and the values it takes; implemented by adapters/docker-image-builder.ts. */
import type { ImageRef } from "@director/domain/image-ref";

/** Builds images on the engine that runs the sites. */
export interface ImageBuilder {
  /** The image's content id (`sha256:…`), or null when the engine has no image by that reference. */
  imageId(ref: ImageRef): Promise<string | null>;
  /**
   * Builds `dockerfile` (the only file of the build context) and tags the result `tag`; concurrent calls for one tag
   * share one build. A failing instruction throws IMAGE_BUILD_FAILED with the output's last lines in `details.log`.
   */
  build(tag: ImageRef, dockerfile: string): Promise<void>;
}
