/** The student accounts of one graduation year, as administrators close them at the end of a school year. */
import type { DatabaseHandle } from "./database.js";

/** How many students of a class still log in, and how many are closed. */
export interface GraduatingClassSummary {
  active: number;
  disabled: number;
}

export class GraduatingClassRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  async summary(graduationYear: number): Promise<GraduatingClassSummary> {
    const rows = await this.#db
      .selectFrom("users")
      .select(["is_active", (eb) => eb.fn.countAll<string>().as("count")])
      .where("role", "=", "student")
      .where("is_superuser", "=", false)
      .where("graduation_year", "=", graduationYear)
      .groupBy("is_active")
      .execute();
    const countOf = (isActive: boolean) => Number(rows.find((row) => row.is_active === isActive)?.count ?? 0);
    return { active: countOf(true), disabled: countOf(false) };
  }

  /**
   * Disables the class's active student accounts (never an administrator's, a teacher's or a service account's)
   * and ends their sessions; returns them by username. Run it in a transaction with the audit record.
   */
  async disableStudents(graduationYear: number): Promise<Array<{ id: number; username: string }>> {
    const disabled = await this.#db
      .updateTable("users")
      .set({ is_active: false })
      .where("role", "=", "student")
      .where("is_superuser", "=", false)
      .where("is_active", "=", true)
      .where("graduation_year", "=", graduationYear)
      .returning(["id", "username"])
      .execute();
    if (disabled.length > 0) {
      await this.#db
        .deleteFrom("sessions")
        .where(
          "user_id",
          "in",
          disabled.map((user) => user.id),
        )
        .execute();
    }
    return disabled.sort((a, b) => a.username.localeCompare(b.username));
  }
}
