/**
 * The contract of SiteDatabaseEngine (core/site-database-engine.ts) as integration tests, run over each engine against
 * a real server: describeSiteDatabaseEngine registers them in one describe, with the server's own words for what the
 * contract cannot say neutrally (its catalogue, its refusals), and lets the engine's file add the attacks only its
 * server knows (its file functions, its dump statements) in the same describe, on the same site databases.
 */
import { randomBytes } from "node:crypto";
import { type InstallationId, parseInstallationId } from "@director/domain/installation-id";
import { parseSiteId } from "@director/domain/site";
import {
  type DatabasePassword,
  generateDatabasePassword,
  type SiteDatabaseIdentity,
  siteDatabaseIdentity,
} from "@director/domain/site-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteDatabaseEngine, SiteDatabaseHostOptions } from "../core/site-database-engine.js";

/** The connections one site's user may hold at once in every engine these tests make (expectIsolated checks it). */
export const testConnectionLimit = 5;

/** A site's own connection as the contract uses it; pg's Client and mysql2's Connection both are one. */
export interface SiteConnection {
  query(statement: string): Promise<unknown>;
  end(): Promise<void>;
}

/** One real database host, reached as its admin: what the contract needs said in the server's own terms. */
export interface SiteDatabaseTestServer<C extends SiteConnection> {
  adminUrl: string;
  /** The least `sizeBytes` answers for a database with no table of the site's yet. */
  emptySizeBytesAtLeast: number;
  /** A connection as `identity`'s user to `database` (its own by default), as a site would open it. */
  connectAs(identity: SiteDatabaseIdentity, password: string, database?: string): Promise<C>;
  /** Fails unless the server's catalogue shows what `ensure` promises: a user owning its database, nothing more. */
  expectIsolated(identity: SiteDatabaseIdentity): Promise<void>;
  /**
   * Leaves what a failure half-way (or someone else) might: `userOnly`'s user with too many rights and no database,
   * `databaseOnly`'s database without its user, open to `neighbour` where the server allows that.
   */
  leaveHalfMade(
    userOnly: SiteDatabaseIdentity,
    databaseOnly: SiteDatabaseIdentity,
    neighbour: SiteDatabaseIdentity,
  ): Promise<void>;
  /** Makes a user of this name and no database (a half-made site database, or another installation's). */
  createUser(name: string): Promise<void>;
  /** Removes a user made by createUser; a no-op when it is gone. */
  dropUser(name: string): Promise<void>;
  /** Adds about 5 MB of rows to the connection's database, counted by `sizeBytes` at once. */
  addBulk(connection: C): Promise<void>;
  /** What is left on the server of `identity`: its database, its user, their grants (empty when all is gone). */
  leftoversOf(identity: SiteDatabaseIdentity): Promise<unknown[]>;
  /** Closes the admin connection, and stops the server when the test started it. */
  stop(): Promise<void>;
}

/** How one engine is tested: its server, its engine, and how its server refuses a site. */
export interface SiteDatabaseEngineSetup<C extends SiteConnection, S extends SiteDatabaseTestServer<C>> {
  start(): Promise<S>;
  makeEngine(options: SiteDatabaseHostOptions): SiteDatabaseEngine;
  /** Whether the server checks passwords (trust does not): the password tests are registered only where it does. */
  checksPasswords: boolean;
  /** An admin URL where nothing listens. */
  unreachableAdminUrl: string;
  /** What a refused connection is (toMatchObject): to another site's database, and with a wrong password. */
  refusals: { otherDatabase: object; wrongPassword: object; writesStopped: object };
}

/** What the engine's own tests get: the two site databases made before all tests, the engine and its server. */
export interface SiteDatabaseEngineTest<S> {
  installationId: InstallationId;
  site(id: number): SiteDatabaseIdentity;
  a: SiteDatabaseIdentity;
  b: SiteDatabaseIdentity;
  passwordA: DatabasePassword;
  passwordB: DatabasePassword;
  /** the engine under test (set before the tests run) */
  readonly engine: SiteDatabaseEngine;
  /** its server (set before the tests run) */
  readonly server: S;
  /** Removes something the test made beside site databases, after all tests, even when another removal fails. */
  removeAtEnd(remove: () => Promise<unknown>): void;
}

/** Runs `work` on a connection as `identity`'s user to its own database, closed afterwards. */
export async function asSite<C extends SiteConnection, T>(
  server: Pick<SiteDatabaseTestServer<C>, "connectAs">,
  identity: SiteDatabaseIdentity,
  password: string,
  work: (connection: C) => Promise<T>,
): Promise<T> {
  const connection = await server.connectAs(identity, password);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/**
 * Registers `describe(name)` with the contract's tests of the engine `setup` makes, then the engine's own tests that
 * `engineTests` registers (it runs while the describe is collected; the engine and server are there in its tests).
 */
export function describeSiteDatabaseEngine<C extends SiteConnection, S extends SiteDatabaseTestServer<C>>(
  name: string,
  setup: SiteDatabaseEngineSetup<C, S>,
  engineTests: (test: SiteDatabaseEngineTest<S>) => void,
): void {
  describe(name, () => {
    // A password test means something only on a server that checks passwords (trust ignores them): it is registered
    // there only, rather than reported as skipped on the other.
    const itWherePasswordsCount = setup.checksPasswords ? it : ((() => undefined) as unknown as typeof it);
    // A random installation per run: names never meet another run's or anything else on the server.
    const installationId = parseInstallationId(`t${randomBytes(6).toString("hex")}`);
    const otherInstallation = parseInstallationId(`u${randomBytes(6).toString("hex")}`);
    const otherInstallationsUser = `dir_${otherInstallation}_s1`;
    const site = (id: number) => siteDatabaseIdentity(installationId, parseSiteId(id));
    const a = site(1);
    const b = site(2);
    const passwordA = generateDatabasePassword();
    const passwordB = generateDatabasePassword();
    const removals: Array<() => Promise<unknown>> = [];
    let started: { server: S; engine: SiteDatabaseEngine } | undefined;
    const running = () => {
      if (started === undefined) throw new Error("the server is not started: its beforeAll failed");
      return started;
    };
    const test: SiteDatabaseEngineTest<S> = {
      installationId,
      site,
      a,
      b,
      passwordA,
      passwordB,
      get engine() {
        return running().engine;
      },
      get server() {
        return running().server;
      },
      removeAtEnd: (remove) => removals.push(remove),
    };

    beforeAll(async () => {
      const server = await setup.start();
      const engine = setup.makeEngine({
        adminUrl: server.adminUrl,
        installationId,
        connectionLimit: testConnectionLimit,
      });
      started = { server, engine };
      await engine.ensure(a, passwordA);
      await engine.ensure(b, passwordB);
    });

    afterAll(async () => {
      if (started === undefined) return;
      const { server, engine } = started;
      // Everything is removed even when one step fails (a broken engine must not leave the shared server dirty).
      const results = await Promise.allSettled([
        ...removals.map((remove) => remove()),
        server.dropUser(otherInstallationsUser),
      ]);
      for (const leftover of await engine.list()) results.push(...(await Promise.allSettled([engine.drop(leftover)])));
      await engine.close();
      await server.stop();
      for (const result of results) if (result.status === "rejected") throw result.reason;
    });

    it("makes a user that owns its database and nothing more, the same again on a second run", async () => {
      const { server, engine } = running();
      await server.expectIsolated(a);
      await engine.ensure(a, passwordA);
      await server.expectIsolated(a);
    });

    it("finishes the job after a failure half-way, taking back what a half-made user was given", async () => {
      const { server, engine } = running();
      const userOnly = site(3);
      const databaseOnly = site(4);
      const password = generateDatabasePassword();
      await server.leaveHalfMade(userOnly, databaseOnly, b);
      for (const identity of [userOnly, databaseOnly]) {
        await engine.ensure(identity, password);
        await server.expectIsolated(identity);
        await asSite(server, identity, password, (connection) => connection.query("create table t (n int)"));
      }
      await expect(server.connectAs(b, passwordB, databaseOnly.name)).rejects.toMatchObject(
        setup.refusals.otherDatabase,
      );
    });

    it("refuses a site's user the other site's database", async () => {
      await expect(running().server.connectAs(a, passwordA, b.name)).rejects.toMatchObject(
        setup.refusals.otherDatabase,
      );
    });

    itWherePasswordsCount("refuses a user its own database with another password", async () => {
      const { server } = running();
      await expect(server.connectAs(a, passwordB)).rejects.toMatchObject(setup.refusals.wrongPassword);
      await expect(server.connectAs(b, passwordA)).rejects.toMatchObject(setup.refusals.wrongPassword);
    });

    itWherePasswordsCount("rotates a password: the old one stops working, the new one works", async () => {
      const { server, engine } = running();
      const rotated = site(5);
      const old = generateDatabasePassword();
      await engine.ensure(rotated, old);
      await asSite(server, rotated, old, (connection) => connection.query("select 1"));
      const fresh = generateDatabasePassword();
      await engine.rotatePassword(rotated, fresh);
      await expect(server.connectAs(rotated, old)).rejects.toMatchObject(setup.refusals.wrongPassword);
      await asSite(server, rotated, fresh, (connection) => connection.query("select 1"));
      await server.expectIsolated(rotated);
    });

    it("measures a database's size, which grows with its data", async () => {
      const { server, engine } = running();
      const before = await engine.sizeBytes(a);
      expect(before).toBeGreaterThanOrEqual(server.emptySizeBytesAtLeast);
      await asSite(server, a, passwordA, (connection) => server.addBulk(connection));
      expect(await engine.sizeBytes(a)).toBeGreaterThan(before + 4_000_000);
    });

    it("measures many databases in one call, leaving out those not on the host", async () => {
      const { engine } = running();
      const sizes = await engine.sizesBytes([a, b, site(8)]);
      expect([...sizes.keys()].sort()).toEqual([a.siteId, b.siteId]);
      expect(sizes.get(b.siteId)).toBe(await engine.sizeBytes(b));
      expect(await engine.sizesBytes([])).toEqual(new Map());
    });

    it("stops a user's writes, ending its open sessions, keeps its reads, and allows writes again", async () => {
      const { server, engine } = running();
      const limited = site(9);
      const password = generateDatabasePassword();
      await engine.ensure(limited, password);
      const session = await server.connectAs(limited, password);
      await session.query("create table t (n int)");
      await session.query("insert into t values (1)");
      await engine.setWritesAllowed(limited, false);
      await engine.setWritesAllowed(limited, false);
      // The session open before would have kept its rights: it was ended.
      await expect(session.query("insert into t values (2)")).rejects.toThrow();
      await session.end().catch(() => undefined);
      await asSite(server, limited, password, async (connection) => {
        await connection.query("select n from t");
        await expect(connection.query("insert into t values (3)")).rejects.toMatchObject(setup.refusals.writesStopped);
        await expect(connection.query("create table u (n int)")).rejects.toMatchObject(setup.refusals.writesStopped);
      });
      await engine.setWritesAllowed(limited, true);
      await asSite(server, limited, password, (connection) => connection.query("insert into t values (4)"));
      await server.expectIsolated(limited);
      await engine.drop(limited);
      await expect(engine.setWritesAllowed(limited, true)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
    });

    it("drops a database and its user, ending their sessions, and leaves nothing; a second drop is a no-op", async () => {
      const { server, engine } = running();
      const doomed = site(6);
      const password = generateDatabasePassword();
      await engine.ensure(doomed, password);
      const session = await server.connectAs(doomed, password);
      await session.query("create table t (n int)");
      await engine.drop(doomed);
      await expect(session.query("select 1")).rejects.toThrow();
      await session.end().catch(() => undefined);
      expect(await server.leftoversOf(doomed)).toEqual([]);
      await engine.drop(doomed);
      await expect(engine.sizeBytes(doomed)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
      await expect(engine.rotatePassword(doomed, password)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
    });

    it("lists exactly this installation's site databases, half-made ones included", async () => {
      const { server, engine } = running();
      const halfMade = site(7);
      await server.createUser(halfMade.name);
      await server.createUser(otherInstallationsUser);
      const listed = await engine.list();
      expect(listed.map((identity) => identity.siteId)).toEqual(expect.arrayContaining([1, 2, 7]));
      expect(listed.every((identity) => identity.installationId === installationId)).toBe(true);
      expect(listed.map((identity) => identity.name)).not.toContain(otherInstallationsUser);
      await engine.drop(halfMade);
      expect((await engine.list()).map((identity) => identity.siteId)).not.toContain(7);
    });

    it("reports a host it cannot reach as DATABASE_HOST_UNAVAILABLE", async () => {
      const unreachable = setup.makeEngine({
        adminUrl: setup.unreachableAdminUrl,
        installationId,
        connectionLimit: testConnectionLimit,
      });
      await expect(unreachable.list()).rejects.toMatchObject({ code: "DATABASE_HOST_UNAVAILABLE" });
      await unreachable.close();
    });

    engineTests(test);
  });
}
