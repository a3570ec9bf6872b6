import { imageRoutes } from "@director/contracts/manager-routes-sites";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { presentImage } from "./images.presenter.js";
import type { ImagesService } from "./images.service.js";

/** GET /api/images (everyone logged in: the visible ones), POST, PATCH /:name, DELETE /:name (administrators). */
export function registerImageRoutes(app: FastifyInstance, deps: { images: ImagesService }): void {
  const { images } = deps;
  registerApiRoute(app, imageRoutes.list, async ({ actor }) => {
    const found = await images.list(actor);
    return { images: found.map((image) => presentImage(image, { isAdmin: actor.isSuperuser })) };
  });
  registerApiRoute(app, imageRoutes.create, async ({ actor, body }) =>
    presentImage(await images.create(actor, body), { isAdmin: true }),
  );
  registerApiRoute(app, imageRoutes.update, async ({ actor, params, body }) =>
    presentImage(await images.update(actor, params.name, body), { isAdmin: true }),
  );
  registerApiRoute(app, imageRoutes.remove, async ({ actor, params }) => {
    await images.delete(actor, params.name);
  });
}
