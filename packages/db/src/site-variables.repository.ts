/** A site's environment variables and secrets (migration 0022); secrets' values arrive here sealed. */
import type { SiteId } from "@director/domain/site";
import type { SiteVariableName, SiteVariableRecord } from "@director/domain/site-variable";
import type { DatabaseHandle } from "./database.js";

/** A variable to store: its value already sealed when it is a secret. */
export interface SiteVariableRow {
  name: SiteVariableName;
  value: string;
  isSecret: boolean;
}

export class SiteVariablesRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** The site's variables by name. */
  async list(siteId: SiteId): Promise<SiteVariableRecord[]> {
    const rows = await this.#db
      .selectFrom("site_variables")
      .select(["name", "value", "is_secret", "updated_at"])
      .where("site_id", "=", siteId)
      .orderBy("name")
      .execute();
    return rows.map((row) => ({
      // the database's check is the name pattern; reserved names were refused before they were stored
      name: row.name as SiteVariableName,
      value: row.value,
      isSecret: row.is_secret,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * Makes the site's variables exactly `rows` (run it in the transaction that also queues their operation). A row
   * whose value and kind did not change keeps its time; the others are stamped `now`.
   */
  async replace(siteId: SiteId, rows: readonly SiteVariableRow[], now: Date): Promise<void> {
    const names = rows.map((row) => row.name);
    let removal = this.#db.deleteFrom("site_variables").where("site_id", "=", siteId);
    if (names.length > 0) removal = removal.where("name", "not in", names);
    await removal.execute();
    if (rows.length === 0) return;
    await this.#db
      .insertInto("site_variables")
      .values(
        rows.map((row) => ({
          site_id: siteId,
          name: row.name,
          value: row.value,
          is_secret: row.isSecret,
          updated_at: now,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(["site_id", "name"]).doUpdateSet((eb) => ({
          value: eb.ref("excluded.value"),
          is_secret: eb.ref("excluded.is_secret"),
          updated_at: eb
            .case()
            .when(
              eb.and([
                eb("site_variables.value", "=", eb.ref("excluded.value")),
                eb("site_variables.is_secret", "=", eb.ref("excluded.is_secret")),
              ]),
            )
            .then(eb.ref("site_variables.updated_at"))
            .else(eb.ref("excluded.updated_at"))
            .end(),
        })),
      )
      .execute();
  }
}
