import type { CreateImageRequest, updateImageRequestSchema } from "@director/contracts/manager-api";
import type { AuditRepository } from "@director/db/audit.repository";
import type { ImageFields, ImagesRepository } from "@director/db/images.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { ImageRecord } from "@director/domain/image";
import { parseImageName } from "@director/domain/image-name";
import { parseImageRef } from "@director/domain/image-ref";
import type { z } from "zod";
import { canActOnImage, type ImageAction } from "./images.policy.js";

export interface ImagesServiceDeps {
  images: Pick<ImagesRepository, "list" | "findByName" | "findById" | "create" | "update" | "delete">;
  audit: Pick<AuditRepository, "record">;
}

/** A create request after its schema's defaults. */
type CreateImageInput = Required<CreateImageRequest>;
type UpdateImageInput = z.infer<typeof updateImageRequestSchema>;

/** Published images: administrators add, change and remove them; everyone logged in lists the visible ones. */
export class ImagesService {
  readonly #deps: ImagesServiceDeps;

  constructor(deps: ImagesServiceDeps) {
    this.#deps = deps;
  }

  async list(actor: Actor): Promise<ImageRecord[]> {
    return this.#deps.images.list({ includeHidden: actor.isSuperuser });
  }

  /**
   * The image if `actor` may do `action` on it. One a non-administrator may not see answers IMAGE_NOT_FOUND exactly
   * like one that does not exist; managing is refused (FORBIDDEN) before any lookup, so it reveals nothing.
   */
  async findForAction(actor: Actor, name: string, action: ImageAction): Promise<ImageRecord> {
    if (action === "manage") this.#assertCanManage(actor);
    const image = await this.#deps.images.findByName(name);
    if (!image || !canActOnImage(actor, image, action)) {
      throw new DirectorError("IMAGE_NOT_FOUND", `There is no image named "${name}" that you can use.`, {
        details: { field: "image" },
      });
    }
    return image;
  }

  async nameOf(imageId: number | null): Promise<string | null> {
    return imageId === null ? null : ((await this.#deps.images.findById(imageId))?.name ?? null);
  }

  async create(actor: Actor, input: CreateImageInput): Promise<ImageRecord> {
    this.#assertCanManage(actor);
    const image = await this.#deps.images.create(checkFields(input));
    await this.#audit(actor, "image.create", image.name);
    return image;
  }

  async update(actor: Actor, name: string, change: UpdateImageInput): Promise<ImageRecord> {
    const current = await this.findForAction(actor, name, "manage");
    const merged = { ...current, ...definedOnly(change) };
    const image = await this.#deps.images.update(current.id, checkFields(merged));
    await this.#audit(actor, "image.update", image.name);
    return image;
  }

  /** IMAGE_IN_USE while a site uses the image. */
  async delete(actor: Actor, name: string): Promise<void> {
    const image = await this.findForAction(actor, name, "manage");
    await this.#deps.images.delete(image.id);
    await this.#audit(actor, "image.delete", image.name);
  }

  #assertCanManage(actor: Actor): void {
    if (!canActOnImage(actor, null, "manage")) {
      throw new DirectorError("FORBIDDEN", "Only administrators add, change or remove images.");
    }
  }

  async #audit(actor: Actor, action: string, name: string): Promise<void> {
    await this.#deps.audit.record({ actorUserId: actor.id, action, target: `image:${name}`, details: {} });
  }
}

/** Parses the name and the parent reference; the schema checked the rest. */
function checkFields(fields: Omit<ImageFields, "name"> & { name: string }): ImageFields {
  return {
    name: parseImageName(fields.name),
    friendlyName: fields.friendlyName.trim(),
    description: fields.description.trim(),
    logoUrl: fields.logoUrl,
    isUserVisible: fields.isUserVisible,
    parentRef: parseImageRef(fields.parentRef),
    setupCommands: fields.setupCommands,
    installCommandPrefix: fields.installCommandPrefix.trim(),
    runShTemplate: fields.runShTemplate,
  };
}

/** The fields that are set: an absent field keeps its current value. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
