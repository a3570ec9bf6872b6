import { parseDatabaseHostName } from "@director/domain/database-host";
import type { SiteId } from "@director/domain/site";
import type { SiteDatabaseName } from "@director/domain/site-database";
import { parseSiteName } from "@director/domain/site-name";
import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseHostsRepository } from "./database-hosts.repository.js";
import { SiteDatabasesRepository } from "./site-databases.repository.js";
import { SitesRepository } from "./sites.repository.js";
import { unitOfWork } from "./unit-of-work.js";
import { UsersRepository } from "./users.repository.js";

const sealed = (n: number) => `v1:aXYtMTItYnl0ZXM:dGFnLTE2LWJ5dGVzLTEyMzQ:c2VjcmV0LTAw${n}`;

describe.each(testBackends)("SiteDatabasesRepository on $name", (backend) => {
  let database: TestDatabase;
  let repository: SiteDatabasesRepository;
  let hosts: DatabaseHostsRepository;
  let sites: SitesRepository;
  let userId: number;

  beforeAll(async () => {
    database = await backend.open();
    repository = new SiteDatabasesRepository(database.db);
    hosts = new DatabaseHostsRepository(database.db);
    sites = new SitesRepository(database.db);
    userId = (await new UsersRepository(database.db).create({ username: "ann" } as never)).id;
  });
  afterAll(async () => {
    await database?.close();
  });

  const newSite = async (name: string) =>
    (
      await sites.create({
        name: parseSiteName(name),
        type: "static",
        purpose: "project",
        description: "",
        memberIds: [],
      })
    ).id as SiteId;
  const newHost = (name: string, kind: "postgres" | "mysql", maxDatabases: number, isAccepting = true) =>
    hosts.create({
      name: parseDatabaseHostName(name),
      kind,
      siteHost: "172.18.0.1",
      sitePort: kind === "postgres" ? 5432 : 3306,
      adminUrlEncrypted: sealed(0),
      maxDatabases,
      isAccepting,
    });
  const choose = (kind: "postgres" | "mysql") =>
    unitOfWork(database.db)(({ siteDatabases }) => siteDatabases.chooseHost(kind));

  it("chooses the accepting host of the kind with the most room, and none when all are full", async () => {
    expect(await choose("postgres")).toBeNull();
    const small = await newHost("small-pg", "postgres", 1);
    const large = await newHost("large-pg", "postgres", 3);
    await newHost("closed-pg", "postgres", 100, false);
    await newHost("maria", "mysql", 5);
    expect((await choose("postgres"))?.host.name).toBe("small-pg");
    await repository.create({
      siteId: await newSite("one"),
      hostId: small.id,
      passwordEncrypted: sealed(1),
      createdBy: userId,
    });
    expect(await choose("postgres")).toMatchObject({ host: { name: "large-pg" }, databases: 0 });
    for (const name of ["two", "three", "four"]) {
      await repository.create({
        siteId: await newSite(name),
        hostId: large.id,
        passwordEncrypted: sealed(2),
        createdBy: userId,
      });
    }
    expect(await choose("postgres")).toBeNull();
    expect((await choose("mysql"))?.host.name).toBe("maria");
  });

  it("keeps one database per site, and follows it from creating to ready, through a rotation, to gone", async () => {
    const host = await newHost("rotation-pg", "postgres", 10);
    const siteId = await newSite("rotating");
    const made = await repository.create({ siteId, hostId: host.id, passwordEncrypted: sealed(3), createdBy: userId });
    expect(made).toMatchObject({
      siteId,
      hostId: host.id,
      name: null,
      status: "creating",
      nextPasswordEncrypted: null,
    });
    await expect(
      repository.create({ siteId, hostId: host.id, passwordEncrypted: sealed(4), createdBy: userId }),
    ).rejects.toMatchObject({ code: "SITE_DATABASE_EXISTS" });
    const name = `dir_abc123_s${siteId}` as SiteDatabaseName;
    await repository.markReady(siteId, name);
    await repository.setNextPassword(siteId, sealed(5));
    expect(await repository.findForSite(siteId)).toMatchObject({
      name,
      status: "ready",
      passwordEncrypted: sealed(3),
      nextPasswordEncrypted: sealed(5),
    });
    await repository.completeRotation(siteId);
    await repository.completeRotation(siteId); // a resumed step: nothing left to do
    expect(await repository.findForSite(siteId)).toMatchObject({
      passwordEncrypted: sealed(5),
      nextPasswordEncrypted: null,
    });
    await repository.markRemoving(siteId);
    expect((await repository.findForSite(siteId))?.status).toBe("removing");
    await repository.delete(siteId);
    expect(await repository.findForSite(siteId)).toBeNull();
  });

  it("refuses to delete a host or a site that a database is recorded on", async () => {
    const host = await newHost("held-pg", "postgres", 10);
    const siteId = await newSite("holding");
    await repository.create({ siteId, hostId: host.id, passwordEncrypted: sealed(6), createdBy: userId });
    await expect(hosts.delete(host.id)).rejects.toMatchObject({ code: "DATABASE_HOST_IN_USE" });
    await expect(sites.delete(siteId)).rejects.toMatchObject({ code: expect.stringMatching(/^(23503|23001)$/) });
    await repository.delete(siteId);
    await hosts.delete(host.id);
    expect(await hosts.findById(host.id)).toBeNull();
  });

  it("lists ready databases by host, records their sizes and limits, and lists the largest first", async () => {
    const pgHost = await newHost("sized-pg", "postgres", 10);
    const mariaHost = await newHost("sized-maria", "mysql", 10);
    const make = async (site: string, hostId: number, isReady = true) => {
      const siteId = await newSite(site);
      await repository.create({ siteId, hostId, passwordEncrypted: sealed(7), createdBy: userId });
      if (isReady) await repository.markReady(siteId, `dir_abc123_s${siteId}` as SiteDatabaseName);
      return siteId;
    };
    const small = await make("small", pgHost.id);
    const large = await make("large", pgHost.id);
    const other = await make("other", mariaHost.id);
    const unmade = await make("unmade", pgHost.id, false);
    const byHost = await repository.listReadyByHost();
    expect(byHost.get(pgHost.id)?.map((record) => record.siteId)).toEqual([small, large]);
    expect(byHost.get(mariaHost.id)?.map((record) => record.siteId)).toEqual([other]);

    const at = new Date("2026-12-04T10:00:00Z");
    // 3 GiB: past a 32-bit integer, as a database may be
    await repository.recordSize(large, { sizeBytes: 3 * 1024 ** 3, at, writesStoppedAt: at });
    await repository.recordSize(small, { sizeBytes: 8 * 1024 ** 2, at, writesStoppedAt: null });
    // a database not ready is not measured: nothing is recorded for it
    await repository.recordSize(unmade, { sizeBytes: 5, at, writesStoppedAt: null });
    expect(await repository.findForSite(large)).toMatchObject({
      sizeBytes: 3 * 1024 ** 3,
      sizeMeasuredAt: at,
      writesStoppedAt: at,
      sizeLimitBytes: null,
    });
    expect((await repository.findForSite(unmade))?.sizeBytes).toBeNull();

    expect(await repository.setSizeLimit(large, 4 * 1024 ** 3)).toBe(true);
    expect((await repository.findForSite(large))?.sizeLimitBytes).toBe(4 * 1024 ** 3);
    expect(await repository.setSizeLimit(await newSite("without"), 1)).toBe(false);
    await expect(repository.setSizeLimit(small, 0)).rejects.toThrow();

    const largest = await repository.listLargest(10);
    const mine = largest.filter((entry) => [small, large, other, unmade].includes(entry.record.siteId));
    // measured ones by size, then the unmeasured
    expect(mine.map((entry) => entry.siteName).slice(0, 2)).toEqual(["large", "small"]);
    expect(mine[0]).toMatchObject({ hostName: "sized-pg", kind: "postgres" });
    expect(
      mine
        .slice(2)
        .map((entry) => entry.siteName)
        .sort(),
    ).toEqual(["other", "unmade"]);
    expect(await repository.listLargest(1)).toHaveLength(1);
  });
});
