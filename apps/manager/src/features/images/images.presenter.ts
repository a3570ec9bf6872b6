import type { ImageView } from "@director/contracts/manager-api";
import type { ImageRecord } from "@director/domain/image";

/** An image as the API shows it; what it is built from only to administrators. */
export function presentImage(image: ImageRecord, options: { isAdmin: boolean }): ImageView {
  return {
    name: image.name,
    friendlyName: image.friendlyName,
    description: image.description,
    logoUrl: image.logoUrl,
    isUserVisible: image.isUserVisible,
    acceptsPackages: image.installCommandPrefix.trim() !== "",
    runShTemplate: image.runShTemplate,
    ...(options.isAdmin
      ? {
          parentRef: image.parentRef,
          setupCommands: image.setupCommands,
          installCommandPrefix: image.installCommandPrefix,
        }
      : {}),
  };
}
