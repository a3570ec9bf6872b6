/** The images sites run; administrators publish and change them. */
import type { Http } from "./http";
import { callRoute } from "./route-call";
import type { ImageView } from "./types";

export function imagesApi(http: Http) {
  return {
    list: () => callRoute(http, "images", "list"),
    remove: (name: string) => callRoute(http, "images", "remove", { params: { name } }),
    update: (name: string, change: Partial<ImageView>) =>
      callRoute(http, "images", "update", { params: { name }, json: change }),
    create: (image: Pick<ImageView, "name" | "friendlyName" | "description"> & { parentRef: string }) =>
      callRoute(http, "images", "create", { json: image }),
  };
}
