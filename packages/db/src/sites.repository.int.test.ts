import { parseSiteName } from "@director/domain/site-name";
import { createTestSite, createTestUser, uniqueName } from "@director/testing/db-factories";
import { type TestDatabase, testBackends, truncateAllTables } from "@director/testing/test-databases";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OperationsRepository } from "./operations.repository.js";
import { SitesRepository } from "./sites.repository.js";

describe.each(testBackends)("SitesRepository on $name", (backend) => {
  let database: TestDatabase;
  let sites: SitesRepository;

  beforeAll(async () => {
    database = await backend.open();
    sites = new SitesRepository(database.db);
  });
  beforeEach(async () => {
    await truncateAllTables(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("creates a site with members and defaults, and finds it by name and id", async () => {
    const alice = await createTestUser(database.db, { username: "alice" });
    const bob = await createTestUser(database.db, { username: "bob" });
    const name = parseSiteName("club-site");
    const site = await sites.create({
      name,
      type: "static",
      purpose: "activity",
      description: "The club",
      memberIds: [bob.id, alice.id, bob.id],
    });
    expect(site).toMatchObject({
      name,
      type: "static",
      purpose: "activity",
      description: "The club",
      availability: "enabled",
      clientBodyLimitBytes: null,
      readyAt: null,
    });
    expect(await sites.findByName(name)).toEqual(site);
    expect(await sites.findById(site.id)).toEqual(site);
    expect(await sites.listMembers(site.id)).toEqual(["alice", "bob"]);
    expect(await sites.isMember(site.id, alice.id)).toBe(true);
  });

  it("refuses a duplicate name with SITE_NAME_TAKEN and leaves no members behind", async () => {
    const user = await createTestUser(database.db);
    const first = await createTestSite(database.db);
    await expect(createTestSite(database.db, { name: first.name, memberIds: [user.id] })).rejects.toMatchObject({
      code: "SITE_NAME_TAKEN",
    });
    expect(await database.db.selectFrom("site_members").selectAll().execute()).toEqual([]);
  });

  it("lists every site by id (creation order) for the reconciler, and tells members from others", async () => {
    const member = await createTestUser(database.db);
    for (const name of ["delta", "alpha", "charlie"]) {
      await createTestSite(database.db, { name, memberIds: [member.id] });
    }
    const bravo = await createTestSite(database.db, { name: "bravo" });
    expect(await sites.isMember(bravo.id, member.id)).toBe(false);
    expect((await sites.listAll()).map((site) => site.name)).toEqual(["delta", "alpha", "charlie", "bravo"]);
  });

  it("moves a site's revision on with every change of it or of its members, and never back", async () => {
    const user = await createTestUser(database.db);
    const site = await createTestSite(database.db, { memberIds: [] });
    const revision = async () => (await sites.findById(site.id))?.revision ?? -1;
    const seen = [await revision()];
    await sites.updateAdminComment(site.id, "Disabled until the sponsor answers.");
    seen.push(await revision());
    await sites.addMember(site.id, user.id);
    seen.push(await revision());
    await sites.removeMember(site.id, user.id);
    seen.push(await revision());
    // an update that sets the revision itself cannot move it back
    await database.db.updateTable("sites").set({ revision: 0 }).where("id", "=", site.id).execute();
    seen.push(await revision());
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    // a site deleted with its members: the members' trigger finds no site to touch and the delete goes through
    await sites.addMember(site.id, user.id);
    await sites.delete(site.id);
    expect(await sites.findById(site.id)).toBeNull();
  });

  it("marks a site ready once and keeps the first time", async () => {
    const site = await createTestSite(database.db);
    await sites.markReady(site.id);
    const readyAt = (await sites.findById(site.id))?.readyAt;
    expect(readyAt).toBeInstanceOf(Date);
    await sites.markReady(site.id);
    expect((await sites.findById(site.id))?.readyAt).toEqual(readyAt);
  });

  it("deletes a site and its memberships but keeps its operations with the name", async () => {
    const user = await createTestUser(database.db);
    const site = await createTestSite(database.db, { name: uniqueName("gone"), memberIds: [user.id] });
    const operations = new OperationsRepository(database.db);
    const operation = await operations.create({
      siteId: site.id,
      siteName: site.name,
      kind: "create_site",
      createdBy: user.id,
      steps: [{ slug: "files", name: "Create files" }],
    });

    await sites.delete(site.id);
    await sites.delete(site.id); // deleting again is a no-op

    expect(await sites.findById(site.id)).toBeNull();
    expect(await sites.listMembers(site.id)).toEqual([]);
    const kept = await operations.findById(operation.id);
    expect(kept).toMatchObject({ id: operation.id, siteId: null, siteName: site.name, status: "pending" });
    expect(kept?.steps).toHaveLength(1);
  });
});
