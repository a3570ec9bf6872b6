/**
 * Versioned guidelines through the HTTP edge on a real PostgreSQL: the manager is rebuilt on the same database with
 * another text, as an institution does when it edits DIRECTOR_GUIDELINES_FILE and restarts Director. Sessions live
 * in the database, so the same tokens work across rebuilds.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp } from "../../testing/test-app.js";

const password = "a password long enough";
const textA = "Guidelines\n\n1. Be kind.\n2. Keep secrets secret.\n";
const textB = "Guidelines\n\n1. Be kind.\n2. Keep secrets secret.\n3. Share the machines.\n";
// `printf 'Guidelines\n\n1. Be kind.\n2. Keep secrets secret.' | sha256sum | cut -c1-16`, and the same for B
const versionA = "1bb953c20b5034cf";
const versionB = "efb72e60b015b595";

describe("guidelines versions", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance | undefined;
  const tokens: Record<string, string> = {};

  /** The manager as it starts with `text` as its guidelines (the previous one stopped). */
  const startWith = async (text: string) => {
    await app?.close();
    const built = await buildTestManagerApp(database, { guidelinesText: text });
    app = built.app;
    return built.services;
  };

  const call = (who: string, method: "GET" | "POST", url: string) => {
    if (!app) throw new Error("no app started");
    return app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` } });
  };

  const guidelinesOf = async (who: string) => (await call(who, "GET", "/api/guidelines")).json();

  beforeAll(async () => {
    database = await createServerTestDatabase();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("asks everyone again when the text changes, but not when only line endings or trailing whitespace do", async () => {
    const services = await startWith(textA);
    expect(services.auth.guidelines.version).toBe(versionA);
    await services.auth.createUser({ username: "pat", password, isSuperuser: false, hasAcceptedGuidelines: false });
    // created by an operator (`director admin create-user`): the version in use is recorded for them
    const ops = await services.auth.createUser({ username: "ops", password, isSuperuser: true });
    expect(ops).toMatchObject({ guidelinesVersion: versionA });
    await services.auth.createUser({ username: "probe", password, isSuperuser: false, role: "service" });
    for (const username of ["pat", "ops", "probe"])
      tokens[username] = (await services.auth.login(username, password)).token;

    expect((await call("pat", "GET", "/api/sites")).json().error.code).toBe("GUIDELINES_NOT_ACCEPTED");
    expect(await guidelinesOf("pat")).toEqual({
      text: textA,
      version: versionA,
      acceptedAt: null,
      acceptedVersion: null,
      isAccepted: false,
    });
    expect((await call("pat", "POST", "/api/guidelines/accept")).json()).toMatchObject({ guidelinesAccepted: true });
    const acceptedA = await guidelinesOf("pat");
    expect(acceptedA).toMatchObject({ acceptedVersion: versionA, isAccepted: true });
    expect(acceptedA.acceptedAt).not.toBeNull();
    expect((await call("pat", "GET", "/api/sites")).statusCode).toBe(200);

    // an editor's re-save: Windows line endings, no final newline, blank lines at the end
    await startWith(`${textA.replace(/\n/g, "\r\n").trimEnd()}\r\n\r\n  \r\n`);
    expect((await call("pat", "GET", "/api/sites")).statusCode).toBe(200);
    expect(await guidelinesOf("pat")).toMatchObject({
      version: versionA,
      acceptedAt: acceptedA.acceptedAt,
      isAccepted: true,
    });

    // the institution changes the text: the same sessions are held at the guidelines again
    await startWith(textB);
    for (const who of ["pat", "ops"]) {
      const blocked = await call(who, "GET", "/api/sites");
      expect([who, blocked.statusCode, blocked.json().error?.code]).toEqual([who, 403, "GUIDELINES_NOT_ACCEPTED"]);
      expect((await call(who, "GET", "/api/auth/me")).json()).toMatchObject({ guidelinesAccepted: false });
    }
    expect((await call("probe", "GET", "/api/sites")).statusCode).toBe(200);
    expect(await guidelinesOf("pat")).toEqual({
      text: textB,
      version: versionB,
      acceptedAt: acceptedA.acceptedAt,
      acceptedVersion: versionA,
      isAccepted: false,
    });

    // accepting again records the new version and date; accepting once more keeps them
    expect((await call("pat", "POST", "/api/guidelines/accept")).json()).toMatchObject({ guidelinesAccepted: true });
    const acceptedB = await guidelinesOf("pat");
    expect(acceptedB).toMatchObject({ acceptedVersion: versionB, isAccepted: true });
    expect(Date.parse(acceptedB.acceptedAt)).toBeGreaterThan(Date.parse(acceptedA.acceptedAt));
    await call("pat", "POST", "/api/guidelines/accept");
    expect((await guidelinesOf("pat")).acceptedAt).toBe(acceptedB.acceptedAt);
    expect((await call("pat", "GET", "/api/sites")).statusCode).toBe(200);
    expect((await call("ops", "GET", "/api/sites")).statusCode).toBe(403);

    const events = await database.db
      .selectFrom("audit_events")
      .select(["details"])
      .where("action", "=", "user.accept_guidelines")
      .where("target", "=", "user:pat")
      .orderBy("id")
      .execute();
    expect(events.map((event) => event.details)).toEqual([
      { version: versionA, previousVersion: null },
      { version: versionB, previousVersion: versionA },
    ]);
  });

  it("counts acceptances from before versions for the text in use at the upgrade, and asks again at the next change", async () => {
    const services = await startWith(textA);
    await services.auth.createUser({ username: "old", password, isSuperuser: false, hasAcceptedGuidelines: false });
    await services.auth.createUser({ username: "never", password, isSuperuser: false, hasAcceptedGuidelines: false });
    for (const username of ["old", "never"]) tokens[username] = (await services.auth.login(username, password)).token;
    // what migration 0009 leaves behind: accepted before versions, so no version
    const acceptedAt = new Date("2024-09-02T08:00:00Z");
    await database.db
      .updateTable("users")
      .set({ guidelines_accepted_at: acceptedAt, guidelines_version: null })
      .where("username", "=", "old")
      .execute();

    // the first start after the upgrade, with the institution's text B
    await startWith(textB);
    expect((await call("old", "GET", "/api/sites")).statusCode).toBe(200);
    expect(await guidelinesOf("old")).toMatchObject({
      acceptedAt: acceptedAt.toISOString(),
      acceptedVersion: versionB,
      isAccepted: true,
    });
    expect((await call("never", "GET", "/api/sites")).json().error.code).toBe("GUIDELINES_NOT_ACCEPTED");
    expect(await guidelinesOf("never")).toMatchObject({ acceptedAt: null, acceptedVersion: null });

    // the next change of the text asks them again
    await startWith(textA);
    expect((await call("old", "GET", "/api/sites")).json().error.code).toBe("GUIDELINES_NOT_ACCEPTED");
  });
});
