/**
 * Who may call which API route, for each kind of caller, against a real PostgreSQL: the manager's services and
 * HTTP edge as wired in production, with an in-memory site file store in place of the orchestrator.
 */
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SitePath } from "@director/domain/site-path";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { managerConfigSchema } from "../config.js";
import type { SiteFileStore } from "../features/files/site-file-store.js";
import { InProcessOperationWakeup } from "../features/operations/operation-wakeup.js";
import { createManagerServices } from "../main.js";
import { buildManagerApp } from "./app.js";

/** Fake of the orchestrator's file API: files in a Map (the real one is tested in apps/orchestrator). */
class InMemorySiteFileStore implements SiteFileStore {
  readonly files = new Map<string, Buffer>();
  async read(siteId: SiteId, path: SitePath | null) {
    const body = path && this.files.get(`${siteId}/${path}`);
    if (!body) throw new DirectorError("PATH_NOT_FOUND", "no such file");
    return { kind: "file" as const, body };
  }
  async write(siteId: SiteId, path: SitePath, body: Buffer) {
    this.files.set(`${siteId}/${path}`, body);
    return { path, sizeBytes: body.byteLength };
  }
  async remove(siteId: SiteId, path: SitePath) {
    this.files.delete(`${siteId}/${path}`);
  }
}

const password = "a password long enough";
const config = managerConfigSchema.parse({
  http: {},
  databaseUrl: "unused",
  sites: {},
  files: { maxUploadBytes: 1024 },
  sessions: {},
  orchestrator: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
  router: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
  worker: {},
});

describe("manager API access rules", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await createServerTestDatabase();
    const services = createManagerServices(config, {
      db: database.db,
      wakeup: new InProcessOperationWakeup(),
      fileStore: new InMemorySiteFileStore(),
    });
    app = await buildManagerApp({
      log: pino({ level: "silent" }),
      auth: services.auth,
      sites: services.sites,
      images: services.images,
      files: services.files,
      operations: services.repositories.operations,
      siteMembership: services.repositories.sites,
      // Fake of the orchestrator's process view (the real one is tested in apps/orchestrator).
      siteProcess: {
        serviceStatus: async () => ({ state: "running" as const, message: "fake" }),
        logs: async () => ({ lines: ["fake"] }),
      },
      urlTemplate: config.sites.urlTemplate,
      maxUploadBytes: config.files.maxUploadBytes,
      isCookieSecure: false,
    });
    for (const [username, isSuperuser] of [
      ["admin", true],
      ["alice", false],
      ["bob", false],
    ] as const) {
      await services.auth.createUser({ username, password, isSuperuser });
      tokens[username] = (await services.auth.login(username, password)).token;
    }
    // alice's sites, made ready as the worker would
    const alice = { id: 2, username: "alice", isSuperuser: false };
    const admin = { id: 1, username: "admin", isSuperuser: true };
    await services.sites.create(alice, { name: "alice", type: "static", purpose: "personal", description: "" });
    const project = await services.sites.create(admin, {
      name: "club",
      type: "static",
      purpose: "project",
      description: "",
    });
    await database.db.insertInto("site_members").values({ site_id: project.site.id, user_id: 2 }).execute();
    await database.db.updateTable("sites").set({ ready_at: new Date() }).execute();
    await database.db.updateTable("operations").set({ status: "succeeded" }).execute();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const call = (
    who: string | null,
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    payload?: unknown,
  ) =>
    app.inject({
      method,
      url,
      headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
      ...(payload === undefined
        ? {}
        : typeof payload === "string"
          ? {
              payload,
              headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), "content-type": "text/plain" },
            }
          : { payload: payload as object }),
    });

  const table: Array<
    [string | null, "GET" | "POST" | "PUT" | "PATCH" | "DELETE", string, unknown, number, string | null]
  > = [
    [null, "GET", "/api/sites", undefined, 401, "AUTH_REQUIRED"],
    [null, "GET", "/api/sites/club", undefined, 401, "AUTH_REQUIRED"],
    [null, "PUT", "/api/sites/club/files/public/x.html", "x", 401, "AUTH_REQUIRED"],
    [null, "GET", "/api/operations/1", undefined, 401, "AUTH_REQUIRED"],
    ["alice", "GET", "/api/sites/club", undefined, 200, null],
    ["alice", "PUT", "/api/sites/club/files/public/x.html", "x", 200, null],
    ["alice", "GET", "/api/sites/club/files/public/x.html", undefined, 200, null],
    ["alice", "DELETE", "/api/sites/club", undefined, 403, "FORBIDDEN"],
    ["alice", "POST", "/api/sites", { name: "alice-project", purpose: "project" }, 403, "FORBIDDEN"],
    ["alice", "POST", "/api/sites", { name: "bob", purpose: "personal" }, 403, "FORBIDDEN"],
    ["alice", "GET", "/api/operations/2", undefined, 200, null],
    // bob is no member: alice's sites do not exist for him, and nothing about them leaks
    ["bob", "GET", "/api/sites/club", undefined, 404, "SITE_NOT_FOUND"],
    ["bob", "GET", "/api/sites/alice", undefined, 404, "SITE_NOT_FOUND"],
    ["bob", "PUT", "/api/sites/club/files/public/x.html", "x", 404, "SITE_NOT_FOUND"],
    ["bob", "GET", "/api/sites/club/files/public/x.html", undefined, 404, "SITE_NOT_FOUND"],
    ["bob", "DELETE", "/api/sites/club", undefined, 404, "SITE_NOT_FOUND"],
    ["bob", "GET", "/api/operations/2", undefined, 404, "OPERATION_NOT_FOUND"],
    ["bob", "GET", "/api/sites/club/process", undefined, 404, "SITE_NOT_FOUND"],
    ["bob", "GET", "/api/sites/club/logs", undefined, 404, "SITE_NOT_FOUND"],
    ["bob", "PATCH", "/api/sites/club", { type: "dynamic" }, 404, "SITE_NOT_FOUND"],
    ["bob", "POST", "/api/sites/club/restart", {}, 404, "SITE_NOT_FOUND"],
    ["alice", "POST", "/api/sites/club/restart", {}, 422, "SITE_TYPE_UNSUPPORTED"],
    ["alice", "PATCH", "/api/sites/club", { type: "static" }, 400, "VALIDATION_FAILED"],
    ["alice", "PATCH", "/api/sites/club", { type: "serverless" }, 400, "VALIDATION_FAILED"],
    ["alice", "GET", "/api/sites/club/process", undefined, 200, null],
    ["admin", "GET", "/api/sites/alice", undefined, 200, null],
    ["admin", "PUT", "/api/sites/alice/files/public/y.html", "y", 200, null],
    ["admin", "PUT", "/api/sites/alice/files/public/big.bin", "z".repeat(1025), 413, "UPLOAD_TOO_LARGE"],
    // availability and limits are for administrators only, and limits are numbers with units in their names
    ["alice", "PUT", "/api/sites/club/availability", { availability: "disabled" }, 403, "FORBIDDEN"],
    ["alice", "PUT", "/api/sites/alice/limits", { memoryMib: 4096 }, 403, "FORBIDDEN"],
    ["bob", "PUT", "/api/sites/club/availability", { availability: "enabled" }, 404, "SITE_NOT_FOUND"],
    ["admin", "PUT", "/api/sites/club/availability", { availability: "paused" }, 400, "VALIDATION_FAILED"],
    ["admin", "PUT", "/api/sites/club/limits", { memoryMib: "100M" }, 400, "VALIDATION_FAILED"],
    ["admin", "PUT", "/api/sites/club/limits", { cpus: "1.5" }, 400, "VALIDATION_FAILED"],
    ["admin", "PUT", "/api/sites/club/limits", { cpus: 100 }, 400, "VALIDATION_FAILED"],
    ["admin", "PUT", "/api/sites/club/limits", { memoryMib: 1.5 }, 400, "VALIDATION_FAILED"],
    ["admin", "PUT", "/api/sites/club/limits", { swap: 1 }, 400, "VALIDATION_FAILED"],
  ];

  it.each(table)("%s %s %s → %i %s", async (who, method, url, payload, status, code) => {
    const answer = await call(who, method, url, payload);
    expect(answer.statusCode, answer.body).toBe(status);
    if (code) expect(answer.json().error.code).toBe(code);
  });

  it("lists only the sites a user is a member of", async () => {
    const names = async (who: string) =>
      (await call(who, "GET", "/api/sites")).json().sites.map((site: { name: string }) => site.name);
    expect(await names("alice")).toEqual(["alice", "club"]);
    expect(await names("bob")).toEqual([]);
    expect(await names("admin")).toEqual(["alice", "club"]);
  });

  it("keeps a disabled site visible to its members but not editable", async () => {
    await database.db.updateTable("sites").set({ availability: "disabled" }).where("name", "=", "club").execute();
    expect((await call("alice", "GET", "/api/sites/club")).json().availability).toBe("disabled");
    const write = await call("alice", "PUT", "/api/sites/club/files/public/z.html", "z");
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe("FORBIDDEN");
    expect((await call("admin", "PUT", "/api/sites/club/files/public/z.html", "z")).statusCode).toBe(200);
  });

  it("refuses a second operation on a busy site and a session after logout", async () => {
    const first = await call("admin", "DELETE", "/api/sites/alice");
    expect(first.statusCode).toBe(202);
    const second = await call("admin", "DELETE", "/api/sites/alice");
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe("SITE_BUSY");
    expect((await call("bob", "POST", "/api/auth/logout")).statusCode).toBe(204);
    expect((await call("bob", "GET", "/api/auth/me")).json().error.code).toBe("AUTH_REQUIRED");
  });
});
