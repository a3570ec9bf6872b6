/** Accounts. */
import { DirectorError } from "@director/domain/errors";
import type { Username } from "@director/domain/username";
import type { Selectable } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
import type { User } from "./models.js";
import type { UserRole, UsersTable } from "./schema.js";

/** What creating an account needs; the password is already hashed. */
export interface NewUserRecord {
  username: Username;
  displayName: string;
  email: string;
  passwordHash: string | null;
  isSuperuser: boolean;
  /** default student */
  role?: UserRole;
}

/** Reads and writes accounts. */
export class UsersRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Creates an account; USERNAME_TAKEN when the name is in use. */
  async create(input: NewUserRecord, trx: DatabaseHandle = this.#db): Promise<User> {
    try {
      const row = await trx
        .insertInto("users")
        .values({
          username: input.username,
          display_name: input.displayName,
          email: input.email,
          password_hash: input.passwordHash,
          is_superuser: input.isSuperuser,
          ...(input.role === undefined ? {} : { role: input.role }),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.usersUsername)) {
        throw new DirectorError("USERNAME_TAKEN", `The username "${input.username}" is already taken.`, {
          details: { field: "username" },
          cause: error,
        });
      }
      throw error;
    }
  }

  /** The account with this exact (lowercase) username, active or not. */
  async findByUsername(username: string, trx: DatabaseHandle = this.#db): Promise<User | null> {
    const row = await trx.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** The account with this id, active or not. */
  async findById(id: number, trx: DatabaseHandle = this.#db): Promise<User | null> {
    const row = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /**
   * The account with this username, created as an invitation when there is none: a student account without a
   * password that has never logged in, so that what it was invited to (a site) is there at its first login.
   * Returns the account and whether it was created now.
   */
  async findOrInvite(username: Username, trx: DatabaseHandle = this.#db): Promise<{ user: User; isInvited: boolean }> {
    const inserted = await trx
      .insertInto("users")
      .values({
        username,
        display_name: username,
        email: "",
        password_hash: null,
        is_superuser: false,
        role: "student",
      })
      .onConflict((oc) => oc.constraint(constraintNames.usersUsername).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { user: toUser(inserted), isInvited: true };
    const existing = await trx
      .selectFrom("users")
      .selectAll()
      .where("username", "=", username)
      .executeTakeFirstOrThrow();
    return { user: toUser(existing), isInvited: false };
  }

  /** Active administrators, by username (they are told about requests waiting for them). */
  async listActiveSuperusers(trx: DatabaseHandle = this.#db): Promise<User[]> {
    const rows = await trx
      .selectFrom("users")
      .selectAll()
      .where("is_superuser", "=", true)
      .where("is_active", "=", true)
      .orderBy("username")
      .execute();
    return rows.map(toUser);
  }

  /** How many accounts exist (the CLI offers to create the first administrator when 0). */
  async count(trx: DatabaseHandle = this.#db): Promise<number> {
    const row = await trx
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}

/** Maps a `users` row to a User. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username as Username,
    displayName: row.display_name,
    email: row.email,
    passwordHash: row.password_hash,
    isSuperuser: row.is_superuser,
    isActive: row.is_active,
    createdAt: row.created_at,
    role: row.role,
    graduationYear: row.graduation_year,
    oidcSubject: row.oidc_subject,
    guidelinesAcceptedAt: row.guidelines_accepted_at,
    lastLoginAt: row.last_login_at,
  };
}
