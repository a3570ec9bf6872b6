/**
 * Directory listings through the manager's API on a real PostgreSQL: the page a browser asks for (`?limit=&after=`)
 * reaches the site's file store as asked, the store's page comes back as it is, and a bad page is refused before the
 * store is asked. The store is a fake of the port that records its calls (the orchestrator pages for real in
 * apps/orchestrator/src/adapters/directory-listing.int.test.ts).
 */
import type { DirectoryListing, DirectoryPageQuery } from "@director/contracts/orchestrator-files";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SitePath } from "@director/domain/site-path";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp } from "../../testing/test-app.js";
import type { SiteFileStore } from "./site-file-store.js";

const password = "a password long enough";

/** Answers every directory with the same page and remembers what it was asked. */
class RecordingFileStore implements SiteFileStore {
  readonly asked: Array<{ siteId: SiteId; path: SitePath | null; page: DirectoryPageQuery | undefined }> = [];
  readonly listing: DirectoryListing = {
    path: "public",
    entries: [{ name: "b.html", type: "file", sizeBytes: 1, modifiedAt: "2026-01-01T00:00:00.000Z", mode: 0o644 }],
    totalEntries: 3,
    nextAfter: "b.html",
  };

  async read(siteId: SiteId, path: SitePath | null, page?: DirectoryPageQuery) {
    this.asked.push({ siteId, path, page });
    return { kind: "directory" as const, listing: this.listing };
  }
  async write(): Promise<never> {
    throw new DirectorError("COMPONENT_UNREACHABLE", "not part of this test");
  }
  async remove(): Promise<never> {
    throw new DirectorError("COMPONENT_UNREACHABLE", "not part of this test");
  }
  async change(): Promise<never> {
    throw new DirectorError("COMPONENT_UNREACHABLE", "not part of this test");
  }
  async zip(): Promise<never> {
    throw new DirectorError("COMPONENT_UNREACHABLE", "not part of this test");
  }
}

describe("GET /api/sites/:name/files/<directory>: paged", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let token: string;
  let siteId: number;
  const store = new RecordingFileStore();

  beforeAll(async () => {
    database = await createServerTestDatabase();
    let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
    ({ app, services } = await buildTestManagerApp(database, { fileStore: store }));
    const ann = await services.auth.createUser({ username: "ann", password, isSuperuser: false });
    token = (await services.auth.login("ann", password)).token;
    const created = await services.sites.create(
      { id: ann.id, username: "ann", isSuperuser: false },
      { name: "ann", type: "static", purpose: "personal", description: "" },
    );
    siteId = created.site.id;
    await database.db.updateTable("sites").set({ ready_at: new Date() }).execute();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const get = (url: string) => app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });

  it("passes the asked page on and answers the store's page as it is", async () => {
    const answer = await get("/api/sites/ann/files/public?limit=1&after=a.html");
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual(store.listing);
    expect(store.asked.at(-1)).toEqual({ siteId, path: "public", page: { limit: 1, after: "a.html" } });
  });

  it("asks for the first page of the default size when the query names none, also for the site directory", async () => {
    await get("/api/sites/ann/files");
    expect(store.asked.at(-1)).toEqual({ siteId, path: null, page: { limit: 200 } });
  });

  it.each([
    ["a limit of 0", "limit=0"],
    ["a limit over the largest page", "limit=1001"],
    ["a limit that is not a number", "limit=many"],
    ["an empty after", "after="],
    ["an after with a slash", "after=a%2Fb"],
    ["an after longer than a file name", `after=${"x".repeat(256)}`],
  ])("refuses %s with 400 VALIDATION_FAILED, asking the store nothing", async (_label, query) => {
    const before = store.asked.length;
    const answer = await get(`/api/sites/ann/files/public?${query}`);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe("VALIDATION_FAILED");
    expect(store.asked.length).toBe(before);
  });
});
