/** Accounts. */
import { DirectorError } from "@director/domain/errors";
import type { GuidelinesVersion } from "@director/domain/guidelines-version";
import type { User } from "@director/domain/user";
import type { Username } from "@director/domain/username";
import type { Selectable } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
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
  graduationYear?: number | null;
  oidcSubject?: string | null;
  /**
   * set when the account starts with the guidelines accepted (created by an operator, a service account): when, and
   * which version
   */
  guidelinesAccepted?: { at: Date; version: GuidelinesVersion } | null;
}

/** What an administrator or a login may change on an account; absent fields stay as they are. */
export interface UserChange {
  role?: UserRole;
  isSuperuser?: boolean;
  isActive?: boolean;
  graduationYear?: number | null;
  displayName?: string;
  email?: string;
  oidcSubject?: string;
}

/** One page of a user search, with how many match in all. */
export interface UserPage {
  users: User[];
  total: number;
}

/** Who a mass email goes to. */
export interface MailRecipient {
  username: string;
  email: string;
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
          graduation_year: input.graduationYear ?? null,
          oidc_subject: input.oidcSubject ?? null,
          guidelines_accepted_at: input.guidelinesAccepted?.at ?? null,
          guidelines_version: input.guidelinesAccepted?.version ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    } catch (error) {
      throwIfTaken(error, input.username);
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

  /** The account that logs in with this identity-provider subject, if any. */
  async findByOidcSubject(subject: string, trx: DatabaseHandle = this.#db): Promise<User | null> {
    const row = await trx.selectFrom("users").selectAll().where("oidc_subject", "=", subject).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /**
   * Accounts whose username, name or email contains `query` (case-insensitive; every account when empty), by
   * username. A substring scan: fine for the thousands of accounts a school has.
   */
  async search(
    options: { query: string; limit: number; offset: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<UserPage> {
    let filtered = trx.selectFrom("users");
    const query = options.query.trim();
    if (query !== "") {
      // LIKE's own wildcards in the query are matched literally
      const pattern = `%${query.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
      filtered = filtered.where((eb) =>
        eb.or([eb("username", "ilike", pattern), eb("display_name", "ilike", pattern), eb("email", "ilike", pattern)]),
      );
    }
    const [rows, count] = await Promise.all([
      filtered.selectAll().orderBy("username").limit(options.limit).offset(options.offset).execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as("count")).executeTakeFirstOrThrow(),
    ]);
    return { users: rows.map(toUser), total: Number(count.count) };
  }

  /** Changes an account; null when it does not exist. */
  async update(id: number, change: UserChange, trx: DatabaseHandle = this.#db): Promise<User | null> {
    const values = {
      ...(change.role === undefined ? {} : { role: change.role }),
      ...(change.isSuperuser === undefined ? {} : { is_superuser: change.isSuperuser }),
      ...(change.isActive === undefined ? {} : { is_active: change.isActive }),
      ...(change.graduationYear === undefined ? {} : { graduation_year: change.graduationYear }),
      ...(change.displayName === undefined ? {} : { display_name: change.displayName }),
      ...(change.email === undefined ? {} : { email: change.email }),
      ...(change.oidcSubject === undefined ? {} : { oidc_subject: change.oidcSubject }),
    };
    if (Object.keys(values).length === 0) return this.findById(id, trx);
    const row = await trx.updateTable("users").set(values).where("id", "=", id).returningAll().executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Notes a successful login (password or identity provider) at `at`. */
  async recordLogin(id: number, at: Date, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.updateTable("users").set({ last_login_at: at }).where("id", "=", id).execute();
  }

  /**
   * Notes that the user accepted `version` of the guidelines at `at`. Accepting the version they already accepted
   * changes nothing (the first date stays); accepting another version records both. Null when the user does not exist.
   */
  async acceptGuidelines(
    id: number,
    at: Date,
    version: GuidelinesVersion,
    trx: DatabaseHandle = this.#db,
  ): Promise<User | null> {
    // One conditional statement, so that two accepts at once cannot move the first date of the same version.
    const row = await trx
      .updateTable("users")
      .set({ guidelines_accepted_at: at, guidelines_version: version })
      .where("id", "=", id)
      .where((eb) =>
        eb.or([
          eb("guidelines_accepted_at", "is", null),
          eb("guidelines_version", "is", null),
          eb("guidelines_version", "!=", version),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? toUser(row) : this.findById(id, trx);
  }

  /**
   * Records `version` for every acceptance that has none (made before versions were recorded): they count as
   * acceptances of the text in use now. Returns how many accounts it changed; 0 once done.
   */
  async recordGuidelinesVersionOfUnversioned(
    version: GuidelinesVersion,
    trx: DatabaseHandle = this.#db,
  ): Promise<number> {
    const result = await trx
      .updateTable("users")
      .set({ guidelines_version: version })
      .where("guidelines_accepted_at", "is not", null)
      .where("guidelines_version", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Where a mass email goes: active accounts of people (not service accounts) with an email address; every such
   * account for "all", else those among `usernames`.
   */
  async listMailRecipients(
    usernames: readonly string[] | "all",
    trx: DatabaseHandle = this.#db,
  ): Promise<MailRecipient[]> {
    if (usernames !== "all" && usernames.length === 0) return [];
    let query = trx
      .selectFrom("users")
      .select(["username", "email"])
      .where("is_active", "=", true)
      .where("role", "!=", "service")
      .where("email", "!=", "");
    if (usernames !== "all") query = query.where("username", "in", [...usernames]);
    return query.orderBy("username").execute();
  }

  /** Which of these usernames have an account. */
  async existingUsernames(usernames: readonly string[], trx: DatabaseHandle = this.#db): Promise<Set<string>> {
    if (usernames.length === 0) return new Set();
    const rows = await trx
      .selectFrom("users")
      .select("username")
      .where("username", "in", [...usernames])
      .execute();
    return new Set(rows.map((row) => row.username));
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

  /**
   * findOrInvite for a roster row: an account made here gets the row's name, email and graduation year; an existing
   * account keeps what it has (a roster never rewrites a person's details).
   */
  async findOrInviteStudent(
    username: Username,
    profile: { displayName: string | null; email: string | null; graduationYear: number | null },
    trx: DatabaseHandle = this.#db,
  ): Promise<{ user: User; isInvited: boolean }> {
    const inserted = await trx
      .insertInto("users")
      .values({
        username,
        display_name: profile.displayName ?? username,
        email: profile.email ?? "",
        graduation_year: profile.graduationYear,
        password_hash: null,
        is_superuser: false,
        role: "student",
      })
      .onConflict((oc) => oc.constraint(constraintNames.usersUsername).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { user: toUser(inserted), isInvited: true };
    return this.findOrInvite(username, trx);
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

function throwIfTaken(error: unknown, username: string): void {
  if (isUniqueViolation(error, constraintNames.usersUsername)) {
    throw new DirectorError("USERNAME_TAKEN", `The username "${username}" is already taken.`, {
      details: { field: "username" },
      cause: error,
    });
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
    guidelinesVersion: row.guidelines_version,
    lastLoginAt: row.last_login_at,
  };
}
