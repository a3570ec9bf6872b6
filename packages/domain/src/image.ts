/** An image administrators publish, as the repository returns it. */
import type { ImageName } from "./image-name.js";

/** An image administrators publish: what a site's own image is built from. */
export interface ImageRecord {
  id: number;
  name: ImageName;
  friendlyName: string;
  description: string;
  logoUrl: string | null;
  isUserVisible: boolean;
  /** a Docker image reference */
  parentRef: string;
  setupCommands: string;
  installCommandPrefix: string;
  runShTemplate: string;
  createdAt: Date;
  updatedAt: Date;
}
