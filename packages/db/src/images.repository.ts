/** Images administrators publish for sites to run. */
import { DirectorError } from "@director/domain/errors";
import type { ImageRecord } from "@director/domain/image";
import type { ImageName } from "@director/domain/image-name";
import type { Selectable } from "kysely";
import { sql } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isForeignKeyViolation, keepingNameUnique, type NameTaken } from "./database-errors.js";
import type { ImagesTable } from "./schema.js";

/** The fields of an image an administrator sets; the name and parent are already parsed. */
export interface ImageFields {
  name: ImageName;
  friendlyName: string;
  description: string;
  logoUrl: string | null;
  isUserVisible: boolean;
  parentRef: string;
  setupCommands: string;
  installCommandPrefix: string;
  runShTemplate: string;
}

/** Reads and writes images. */
export class ImagesRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Images by name: all of them, or only those users may pick. */
  async list(query: { includeHidden: boolean }, trx: DatabaseHandle = this.#db): Promise<ImageRecord[]> {
    let select = trx.selectFrom("images").selectAll();
    if (!query.includeHidden) select = select.where("is_user_visible", "=", true);
    return (await select.orderBy("name").execute()).map(toImage);
  }

  async findByName(name: string, trx: DatabaseHandle = this.#db): Promise<ImageRecord | null> {
    const row = await trx.selectFrom("images").selectAll().where("name", "=", name).executeTakeFirst();
    return row ? toImage(row) : null;
  }

  async findById(id: number, trx: DatabaseHandle = this.#db): Promise<ImageRecord | null> {
    const row = await trx.selectFrom("images").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toImage(row) : null;
  }

  /** Adds an image; IMAGE_NAME_TAKEN when the name is in use. */
  async create(fields: ImageFields, trx: DatabaseHandle = this.#db): Promise<ImageRecord> {
    const row = await keepingNameUnique(nameTaken(fields.name), () =>
      trx.insertInto("images").values(toRow(fields)).returningAll().executeTakeFirstOrThrow(),
    );
    return toImage(row);
  }

  /** Replaces an image's fields (the caller merged the change); IMAGE_NOT_FOUND when absent, IMAGE_NAME_TAKEN on a clash. */
  async update(id: number, fields: ImageFields, trx: DatabaseHandle = this.#db): Promise<ImageRecord> {
    const row = await keepingNameUnique(nameTaken(fields.name), () =>
      trx
        .updateTable("images")
        .set({ ...toRow(fields), updated_at: sql<Date>`now()` })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row) throw new DirectorError("IMAGE_NOT_FOUND", `There is no image ${fields.name}.`);
    return toImage(row);
  }

  /** Deletes an image; IMAGE_IN_USE while a site uses it (the database refuses, so no race lets one slip through). */
  async delete(id: number, trx: DatabaseHandle = this.#db): Promise<void> {
    try {
      await trx.deleteFrom("images").where("id", "=", id).execute();
    } catch (error) {
      if (isForeignKeyViolation(error, constraintNames.sitesImageId)) {
        throw new DirectorError("IMAGE_IN_USE", "Sites use this image; move them to another image first.", {
          cause: error,
        });
      }
      throw error;
    }
  }
}

function nameTaken(name: string): NameTaken {
  return {
    constraint: constraintNames.imagesName,
    code: "IMAGE_NAME_TAKEN",
    message: `An image named "${name}" already exists; choose another name.`,
  };
}

function toRow(fields: ImageFields) {
  return {
    name: fields.name,
    friendly_name: fields.friendlyName,
    description: fields.description,
    logo_url: fields.logoUrl,
    is_user_visible: fields.isUserVisible,
    parent_ref: fields.parentRef,
    setup_commands: fields.setupCommands,
    install_command_prefix: fields.installCommandPrefix,
    run_sh_template: fields.runShTemplate,
  };
}

/** Maps an `images` row to an ImageRecord. */
export function toImage(row: Selectable<ImagesTable>): ImageRecord {
  return {
    id: row.id,
    name: row.name as ImageName,
    friendlyName: row.friendly_name,
    description: row.description,
    logoUrl: row.logo_url,
    isUserVisible: row.is_user_visible,
    parentRef: row.parent_ref,
    setupCommands: row.setup_commands,
    installCommandPrefix: row.install_command_prefix,
    runShTemplate: row.run_sh_template,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
