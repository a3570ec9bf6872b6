import { createImageRequestSchema, updateImageRequestSchema } from "@director/contracts/manager-api";
import { imageParamsSchema } from "@director/contracts/manager-params";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import { presentImage } from "./images.presenter.js";
import type { ImagesService } from "./images.service.js";

/** GET /api/images (everyone logged in: the visible ones), POST, PATCH /:name, DELETE /:name (administrators). */
export function registerImageRoutes(app: FastifyInstance, deps: { auth: AuthService; images: ImagesService }): void {
  const { auth, images } = deps;

  app.get("/api/images", async (request) => {
    const actor = await authenticate(auth, request);
    const found = await images.list(actor);
    return { images: found.map((image) => presentImage(image, { isAdmin: actor.isSuperuser })) };
  });

  app.post("/api/images", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const body = createImageRequestSchema.parse(request.body ?? {});
    const image = await images.create(actor, body);
    return reply.status(201).send(presentImage(image, { isAdmin: true }));
  });

  app.patch("/api/images/:name", async (request) => {
    const actor = await authenticate(auth, request);
    const { name } = imageParamsSchema.parse(request.params);
    const change = updateImageRequestSchema.parse(request.body ?? {});
    return presentImage(await images.update(actor, name, change), { isAdmin: true });
  });

  app.delete("/api/images/:name", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = imageParamsSchema.parse(request.params);
    await images.delete(actor, name);
    return reply.status(204).send();
  });
}
