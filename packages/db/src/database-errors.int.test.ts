/**
 * PostgreSQL's refusals of text, recognised by SQLSTATE against a real server: NUL (22021) and a character the
 * encoding lacks (22P05) become VALIDATION_FAILED; other failures are left alone.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constraintNames } from "./constraint-names.js";
import { isUnstorableText, keepingNameUnique, type NameTaken, translateDatabaseError } from "./database-errors.js";

describe("translateDatabaseError", () => {
  let database: ServerTestDatabase;

  beforeAll(async () => {
    database = await createServerTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const failureOf = async (query: Promise<unknown>): Promise<unknown> => {
    try {
      await query;
    } catch (error) {
      return error;
    }
    throw new Error("the query did not fail");
  };

  it("turns NUL in a query's text (22021) into VALIDATION_FAILED, keeping the cause", async () => {
    const error = await failureOf(
      database.db.selectFrom("users").selectAll().where("username", "=", "a\u0000b").execute(),
    );
    expect((error as { code?: string }).code).toBe("22021");
    expect(isUnstorableText(error)).toBe(true);
    const translated = translateDatabaseError(error);
    expect(translated?.code).toBe("VALIDATION_FAILED");
    expect(translated?.cause).toBe(error);
  });

  it("turns a character the target encoding lacks (22P05) into VALIDATION_FAILED", async () => {
    const error = await failureOf(sql`select convert_to(${"€"}, 'LATIN1')`.execute(database.db));
    expect((error as { code?: string }).code).toBe("22P05");
    expect(translateDatabaseError(error)?.code).toBe("VALIDATION_FAILED");
  });

  it("leaves every other failure alone", async () => {
    const error = await failureOf(sql`select * from no_such_table`.execute(database.db));
    expect(isUnstorableText(error)).toBe(false);
    expect(translateDatabaseError(error)).toBeNull();
    expect(translateDatabaseError(new Error("boom"))).toBeNull();
  });
});

describe("keepingNameUnique", () => {
  let database: ServerTestDatabase;
  const usernameTaken: NameTaken = {
    constraint: constraintNames.usersUsername,
    code: "USERNAME_TAKEN",
    message: "That username is taken.",
  };

  beforeAll(async () => {
    database = await createServerTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const addUser = (username: string) => () =>
    database.db.insertInto("users").values({ username, password_hash: null }).returning("username").execute();

  it("passes the write's result through, and turns a clash on the named constraint into the code with the field", async () => {
    expect(await keepingNameUnique(usernameTaken, addUser("ada"))).toEqual([{ username: "ada" }]);
    const refusal = await keepingNameUnique(usernameTaken, addUser("ada")).catch((error: unknown) => error);
    expect(refusal).toMatchObject({
      name: "DirectorError",
      code: "USERNAME_TAKEN",
      message: "That username is taken.",
      details: { fields: { name: "is taken" } },
      cause: { code: "23505", constraint: constraintNames.usersUsername },
    });
  });

  it("throws a clash on another constraint, and any other failure, as it is", async () => {
    await addUser("grace")();
    const elsewhere = { ...usernameTaken, constraint: constraintNames.imagesName };
    await expect(keepingNameUnique(elsewhere, addUser("grace"))).rejects.toMatchObject({
      code: "23505",
      constraint: constraintNames.usersUsername,
    });
    await expect(
      keepingNameUnique(usernameTaken, () => sql`select * from no_such_table`.execute(database.db)),
    ).rejects.toMatchObject({ code: "42P01" });
  });
});
