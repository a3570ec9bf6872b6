import { parseImageName } from "@director/domain/image-name";
import type { Operation } from "@director/domain/operation";
import type { SiteRecord } from "@director/domain/site";
import { parseSiteSearch } from "@director/domain/site-search";
import { createTestSite, createTestUser } from "@director/testing/db-factories";
import { type TestDatabase, testBackends, truncateAllTables } from "@director/testing/test-databases";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ImagesRepository } from "./images.repository.js";
import { OperationsRepository } from "./operations.repository.js";
import { SiteListingQuery } from "./site-listing.query.js";
import { SitesRepository } from "./sites.repository.js";

const steps = [{ slug: "files", name: "Create the site's files" }];

describe.each(testBackends)("SiteListingQuery on $name", (backend) => {
  let database: TestDatabase;
  let listing: SiteListingQuery;
  let operations: OperationsRepository;
  let sites: SitesRepository;

  beforeAll(async () => {
    database = await backend.open();
    listing = new SiteListingQuery(database.db);
    operations = new OperationsRepository(database.db);
    sites = new SitesRepository(database.db);
  });
  beforeEach(async () => {
    await truncateAllTables(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  const page = (who: { id: number; isSuperuser: boolean }, q = "", limit = 50, offset = 0) =>
    listing.page({ userId: who.id, isSuperuser: who.isSuperuser, search: parseSiteSearch(q), limit, offset });
  const names = async (who: { id: number; isSuperuser: boolean }, q = "", limit = 50, offset = 0) =>
    (await page(who, q, limit, offset)).entries.map((entry) => entry.site.name);

  it("lists all sites to an administrator and only their sites to a member, by name, paged, with the total", async () => {
    const member = await createTestUser(database.db);
    const admin = await createTestUser(database.db, { isSuperuser: true });
    for (const name of ["delta", "alpha", "charlie"]) {
      await createTestSite(database.db, { name, memberIds: [member.id] });
    }
    const bravo = await createTestSite(database.db, { name: "bravo" });

    expect(await names(admin)).toEqual(["alpha", "bravo", "charlie", "delta"]);
    expect(await names(member)).toEqual(["alpha", "charlie", "delta"]);
    expect(await page(member, "", 2, 2)).toMatchObject({ total: 3, entries: [{ site: { name: "delta" } }] });
    expect(await page(admin, "", 2, 1)).toMatchObject({ total: 4 });
    // past the last page, the total is still counted
    expect(await page(admin, "", 2, 10)).toEqual({ total: 4, entries: [] });
    expect(await page(member, "", 2, 10)).toEqual({ total: 3, entries: [] });
    expect(await page(member, "nothing", 2, 0)).toEqual({ total: 0, entries: [] });
    // the unfiltered total is the count the triggers keep: it follows additions and removals of any size
    await sites.delete(bravo.id);
    expect(await page(admin, "", 1)).toMatchObject({ total: 3 });
    await database.db.deleteFrom("sites").where("name", "in", ["alpha", "charlie"]).execute();
    expect(await page(admin, "", 1)).toMatchObject({ total: 1, entries: [{ site: { name: "delta" } }] });
  });

  it("gives each site its members, its image's name and its current operation: the unfinished one, else the newest", async () => {
    const admin = await createTestUser(database.db, { isSuperuser: true });
    const zoe = await createTestUser(database.db, { username: "zoe" });
    const amy = await createTestUser(database.db, { username: "amy" });
    const busy = await createTestSite(database.db, { name: "busy", memberIds: [zoe.id, amy.id] });
    const done = await createTestSite(database.db, { name: "done", memberIds: [] });
    const quiet = await createTestSite(database.db, { name: "quiet", memberIds: [zoe.id] });
    const image = await new ImagesRepository(database.db).create({
      name: parseImageName("python"),
      friendlyName: "Python",
      description: "",
      logoUrl: null,
      isUserVisible: true,
      parentRef: "director/base-debian:bookworm",
      setupCommands: "",
      installCommandPrefix: "",
      runShTemplate: "",
    });
    await database.db.updateTable("sites").set({ image_id: image.id }).where("id", "=", quiet.id).execute();
    const queue = (target: SiteRecord, kind: string, input?: Record<string, unknown>) =>
      operations.create({
        siteId: target.id,
        siteName: target.name,
        kind,
        createdBy: admin.id,
        steps,
        ...(input ? { input } : {}),
      });
    const failed = await queue(busy, "create_site");
    await operations.finish(failed.id, { status: "failed", error: "boom" });
    await queue(busy, "update_image", { image: "python", packages: ["git"] }); // unfinished and newest
    const older = await queue(done, "create_site");
    await operations.finish(older.id, { status: "succeeded", error: null });
    const newer = await queue(done, "restart_site");
    await operations.finish(newer.id, { status: "failed", error: "no" });

    const { entries } = await page(admin);
    const byName = new Map<string, (typeof entries)[number]>(entries.map((entry) => [entry.site.name, entry]));
    expect(byName.get("busy")?.members).toEqual(["amy", "zoe"]);
    expect(byName.get("done")?.members).toEqual([]);
    // the very objects the repositories give (dates, input), read through JSON, without the steps
    const withoutSteps = (operation: Operation | null) => {
      if (operation === null) throw new Error("no operation");
      const { steps: _steps, ...summary } = operation;
      return summary;
    };
    expect(byName.get("busy")?.operation).toEqual(withoutSteps(await operations.findActiveForSite(busy.id)));
    expect(byName.get("busy")?.operation).toMatchObject({ kind: "update_image", input: { packages: ["git"] } });
    expect(byName.get("done")?.operation).toEqual(withoutSteps(await operations.findLatestForSite(done.id)));
    expect(byName.get("done")?.operation).toMatchObject({ id: newer.id, status: "failed", error: "no" });
    expect(byName.get("quiet")).toMatchObject({ operation: null, imageName: "python" });
    expect(byName.get("busy")?.imageName).toBeNull();
    expect(byName.get("busy")?.site).toEqual(await sites.findById(busy.id));
  });

  it("matches names and descriptions without regard to case, also once a description changes", async () => {
    const admin = await createTestUser(database.db, { isSuperuser: true });
    const club = await createTestSite(database.db, { name: "chess-club" });
    await sites.updateDescription(club.id, "Échecs et MATHS");
    await createTestSite(database.db, { name: "maths" });
    expect(await names(admin, "CHESS")).toEqual(["chess-club"]);
    expect(await names(admin, "desc:échecs")).toEqual(["chess-club"]);
    expect(await names(admin, "maths")).toEqual(["chess-club", "maths"]);
    expect(await names(admin, "name:Maths")).toEqual(["maths"]);
    await sites.updateDescription(club.id, "Knights and rooks");
    expect(await names(admin, "desc:ROOKS")).toEqual(["chess-club"]);
    expect(await names(admin, "desc:échecs")).toEqual([]);
  });
});
