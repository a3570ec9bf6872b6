import { Readable } from "node:stream";
import type { FileChange } from "@director/contracts/orchestrator-files";
/**
 * Who may call which API route, for each kind of caller, against a real PostgreSQL: the manager's services and
 * HTTP edge as wired in production, with an in-memory site file store in place of the orchestrator.
 */
import { orchestratorInventorySchema } from "@director/contracts/orchestrator-inventory";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SitePath } from "@director/domain/site-path";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { managerConfigSchema } from "../config.js";
import type { SiteFileStore } from "../features/files/site-file-store.js";
import { buildTestManagerApp } from "../testing/test-app.js";

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
    return { path, sizeBytes: body.byteLength, modifiedAt: new Date(0).toISOString() };
  }
  async remove(siteId: SiteId, path: SitePath) {
    this.files.delete(`${siteId}/${path}`);
  }
  async change(siteId: SiteId, path: SitePath, change: FileChange) {
    if (change.action !== "move") return { path };
    const body = this.files.get(`${siteId}/${path}`);
    if (!body) throw new DirectorError("PATH_NOT_FOUND", "no such file");
    this.files.delete(`${siteId}/${path}`);
    this.files.set(`${siteId}/${change.to}`, body);
    return { path: change.to };
  }
  async zip(siteId: SiteId) {
    const names = [...this.files.keys()].filter((key) => key.startsWith(`${siteId}/`));
    return Readable.from([Buffer.from(names.join("\n"))]);
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
  web: { distDir: "/nonexistent/manager-web/dist" },
});

/**
 * Fake of the orchestrator's and router's inventories (the real ones are tested in their apps): every site of the
 * database is in place except what a test takes away, and `leftovers` adds things with no site row.
 */
class FakeHostInventory {
  readonly removed: string[] = [];
  missingBalancerFor = new Set<string>();
  leftoverServiceIds: number[] = [];
  constructor(
    readonly listSites: () => Promise<Array<{ id: number; name: string; type: string; availability: string }>>,
  ) {}

  async orchestratorInventory() {
    const sites = (await this.listSites()).map((site) => ({
      id: site.id,
      hasDirectory: true,
      balancer: {
        hasConfig: !this.missingBalancerFor.has(site.name),
        spec: {
          id: site.id,
          name: site.name,
          type: site.type as "static",
          availability: site.availability as "enabled",
          clientBodyLimitBytes: config.sites.clientBodyLimitBytes,
        },
        isConfigCurrent: !this.missingBalancerFor.has(site.name),
      },
      service: null,
      images: [],
    }));
    for (const id of this.leftoverServiceIds) {
      sites.push({
        id,
        hasDirectory: false,
        balancer: { hasConfig: false, spec: null as never, isConfigCurrent: false },
        service: { name: `director-test-site-${id}`, replicas: 1, image: "x", labels: {} } as never,
        images: [],
      });
    }
    // parsed as the orchestrator's client parses the real one
    return orchestratorInventorySchema.parse({ installationId: "test", isDockerAvailable: true, sites });
  }

  async routerInventory() {
    return { topology: "shared" as const, needsRouteFiles: false, routes: [], legacyRoutes: [] };
  }

  async certificateInventory() {
    return [];
  }

  async removeService(id: number) {
    this.removed.push(`service ${id}`);
    this.leftoverServiceIds = this.leftoverServiceIds.filter((leftover) => leftover !== id);
  }
  async removeBalancer(id: number) {
    this.removed.push(`balancer ${id}`);
  }
  async removeRoute(id: number) {
    this.removed.push(`route ${id}`);
  }
  async removeLegacyRoute(name: string) {
    this.removed.push(`legacy route ${name}`);
  }
  async removeImages(id: number) {
    this.removed.push(`images ${id}`);
  }
  async removeCertificate(domain: string) {
    this.removed.push(`certificate ${domain}`);
  }
}

describe("manager API access rules", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let hostInventory: FakeHostInventory;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await createServerTestDatabase();
    hostInventory = new FakeHostInventory(() => database.db.selectFrom("sites").selectAll().orderBy("id").execute());
    let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
    ({ app, services } = await buildTestManagerApp(database, {
      config,
      fileStore: new InMemorySiteFileStore(),
      // Fake of the orchestrator's process view (the real one is tested in apps/orchestrator).
      siteProcess: {
        serviceStatus: async () => ({ state: "running" as const, message: "fake" }),
        logs: async () => ({ lines: ["fake"] }),
        followLogs: async () =>
          (async function* () {
            yield "fake";
          })(),
      },
      reconcileHost: hostInventory,
    }));
    for (const [username, isSuperuser, role] of [
      ["admin", true, "student"],
      ["alice", false, "student"],
      ["bob", false, "student"],
      ["tina", false, "teacher"],
    ] as const) {
      await services.auth.createUser({ username, password, isSuperuser, role });
      tokens[username] = (await services.auth.login(username, password)).token;
    }
    // the other kinds of caller: a teacher, a disabled account (with a session from before), a person who has not
    // accepted the guidelines yet
    await services.auth.createUser({ username: "teach", password, isSuperuser: false, role: "teacher" });
    await services.auth.createUser({ username: "off", password, isSuperuser: false });
    await services.auth.createUser({ username: "fresh", password, isSuperuser: false, hasAcceptedGuidelines: false });
    for (const username of ["teach", "off", "fresh"]) {
      tokens[username] = (await services.auth.login(username, password)).token;
    }
    await database.db.updateTable("users").set({ is_active: false }).where("username", "=", "off").execute();
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
    // a site an administrator disabled, alice a member: she still sees it, but changes nothing
    const closed = await services.sites.create(admin, {
      name: "closed",
      type: "static",
      purpose: "project",
      description: "",
    });
    await database.db.insertInto("site_members").values({ site_id: closed.site.id, user_id: 2 }).execute();
    await database.db.updateTable("sites").set({ availability: "disabled" }).where("id", "=", closed.site.id).execute();
    // request 1: alice asks for an activity site that tina sponsors (still waiting for tina)
    await services.siteRequests.create(
      { ...alice, role: "student" },
      { activity: "Chess", siteName: "chess", sponsor: "tina", details: "" },
    );
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

  type Row = [string | null, "GET" | "POST" | "PUT" | "PATCH" | "DELETE", string, unknown, number, string | null];
  /** An administrators-only route, for every kind of caller: only `admin` gets `status`. */
  const adminOnly = (method: Row[1], url: string, payload: unknown, status: number): Row[] => [
    [null, method, url, payload, 401, "AUTH_REQUIRED"],
    ["alice", method, url, payload, 403, "FORBIDDEN"],
    ["teach", method, url, payload, 403, "FORBIDDEN"],
    ["off", method, url, payload, 401, "AUTH_REQUIRED"],
    ["fresh", method, url, payload, 403, "GUIDELINES_NOT_ACCEPTED"],
    ["admin", method, url, payload, status, null],
  ];

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
    ["bob", "GET", "/api/sites/club/logs/events", undefined, 404, "SITE_NOT_FOUND"],
    [null, "GET", "/api/sites/club/logs/events", undefined, 401, "AUTH_REQUIRED"],
    ["alice", "GET", "/api/sites/club/logs/events?tailLines=5000", undefined, 400, "VALIDATION_FAILED"],
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
    // reconcile reports on every site: administrators only
    [null, "POST", "/api/admin/reconcile", {}, 401, "AUTH_REQUIRED"],
    ["alice", "POST", "/api/admin/reconcile", { isDryRun: true }, 403, "FORBIDDEN"],
    ["admin", "POST", "/api/admin/reconcile", { isDryRun: "yes" }, 400, "VALIDATION_FAILED"],
    ["admin", "POST", "/api/admin/reconcile", { site: "nosuchsite" }, 404, "SITE_NOT_FOUND"],
    ["admin", "POST", "/api/admin/reconcile", { isDryRun: true }, 200, null],
    // creating: non-administrators create their personal site only (teachers project sites too)
    ["alice", "POST", "/api/sites", { purpose: "personal" }, 409, "SITE_NAME_TAKEN"],
    ["alice", "POST", "/api/sites", { name: "chess", purpose: "activity" }, 403, "FORBIDDEN"],
    ["tina", "POST", "/api/sites", { name: "chess", purpose: "activity" }, 403, "FORBIDDEN"],
    ["bob", "POST", "/api/sites", { name: "bob-project", purpose: "project" }, 403, "FORBIDDEN"],
    // search
    [null, "GET", "/api/sites?q=club", undefined, 401, "AUTH_REQUIRED"],
    ["alice", "GET", "/api/sites?q=id:abc", undefined, 400, "VALIDATION_FAILED"],
    ["alice", "GET", "/api/sites?q=name:club", undefined, 200, null],
    // delete needs the name typed; refusals for access come first, so nothing leaks
    ["alice", "DELETE", "/api/sites/club", { confirmName: "club" }, 403, "FORBIDDEN"],
    ["bob", "DELETE", "/api/sites/alice", { confirmName: "alice" }, 404, "SITE_NOT_FOUND"],
    ["alice", "DELETE", "/api/sites/alice", {}, 400, "CONFIRMATION_MISMATCH"],
    ["admin", "DELETE", "/api/sites/club", { confirmName: "clu" }, 400, "CONFIRMATION_MISMATCH"],
    ["admin", "DELETE", "/api/sites/club", { confirm: "club" }, 400, "VALIDATION_FAILED"],
    ["alice", "DELETE", "/api/sites/closed", { confirmName: "closed" }, 403, "FORBIDDEN"],
    // members
    [null, "GET", "/api/sites/club/members", undefined, 401, "AUTH_REQUIRED"],
    [null, "POST", "/api/sites/club/members", { username: "bob" }, 401, "AUTH_REQUIRED"],
    [null, "DELETE", "/api/sites/club/members/alice", undefined, 401, "AUTH_REQUIRED"],
    ["alice", "GET", "/api/sites/club/members", undefined, 200, null],
    ["alice", "GET", "/api/sites/closed/members", undefined, 200, null],
    ["bob", "GET", "/api/sites/club/members", undefined, 404, "SITE_NOT_FOUND"],
    ["bob", "POST", "/api/sites/club/members", { username: "bob" }, 404, "SITE_NOT_FOUND"],
    ["bob", "DELETE", "/api/sites/club/members/alice", undefined, 404, "SITE_NOT_FOUND"],
    ["tina", "GET", "/api/sites/club/members", undefined, 404, "SITE_NOT_FOUND"],
    ["alice", "POST", "/api/sites/club/members", { username: "Not Valid" }, 400, "USERNAME_INVALID"],
    ["alice", "POST", "/api/sites/club/members", {}, 400, "VALIDATION_FAILED"],
    ["alice", "POST", "/api/sites/closed/members", { username: "bob" }, 403, "FORBIDDEN"],
    ["alice", "DELETE", "/api/sites/closed/members/alice", undefined, 403, "FORBIDDEN"],
    ["alice", "DELETE", "/api/sites/alice/members/alice", undefined, 409, "SITE_NEEDS_A_MEMBER"],
    ["alice", "DELETE", "/api/sites/club/members/bob", undefined, 404, "NOT_FOUND"],
    ["admin", "GET", "/api/sites/closed/members", undefined, 200, null],
    // description
    [null, "PUT", "/api/sites/club/description", { description: "x" }, 401, "AUTH_REQUIRED"],
    ["alice", "PUT", "/api/sites/club/description", { description: "Our club" }, 200, null],
    ["alice", "PUT", "/api/sites/club/description", { description: 5 }, 400, "VALIDATION_FAILED"],
    ["bob", "PUT", "/api/sites/club/description", { description: "x" }, 404, "SITE_NOT_FOUND"],
    ["alice", "PUT", "/api/sites/closed/description", { description: "x" }, 403, "FORBIDDEN"],
    ["admin", "PUT", "/api/sites/closed/description", { description: "Closed for now" }, 200, null],
    // site requests: the requester, the sponsor and administrators see request 1; only tina decides it first
    [null, "GET", "/api/site-requests", undefined, 401, "AUTH_REQUIRED"],
    [null, "POST", "/api/site-requests", {}, 401, "AUTH_REQUIRED"],
    [null, "GET", "/api/site-requests/1", undefined, 401, "AUTH_REQUIRED"],
    [null, "POST", "/api/site-requests/1/teacher-decision", { approve: true }, 401, "AUTH_REQUIRED"],
    [null, "POST", "/api/site-requests/1/admin-decision", { approve: true }, 401, "AUTH_REQUIRED"],
    ["alice", "GET", "/api/site-requests", undefined, 200, null],
    ["alice", "GET", "/api/site-requests/1", undefined, 200, null],
    ["tina", "GET", "/api/site-requests/1", undefined, 200, null],
    ["admin", "GET", "/api/site-requests/1", undefined, 200, null],
    ["bob", "GET", "/api/site-requests/1", undefined, 404, "SITE_REQUEST_NOT_FOUND"],
    ["bob", "POST", "/api/site-requests/1/teacher-decision", { approve: true }, 404, "SITE_REQUEST_NOT_FOUND"],
    ["bob", "POST", "/api/site-requests/1/admin-decision", { approve: true }, 404, "SITE_REQUEST_NOT_FOUND"],
    ["alice", "POST", "/api/site-requests/1/teacher-decision", { approve: true }, 403, "FORBIDDEN"],
    ["alice", "POST", "/api/site-requests/1/admin-decision", { approve: true }, 403, "FORBIDDEN"],
    ["tina", "POST", "/api/site-requests/1/admin-decision", { approve: true }, 403, "FORBIDDEN"],
    ["admin", "POST", "/api/site-requests/1/teacher-decision", { approve: true }, 403, "FORBIDDEN"],
    ["admin", "POST", "/api/site-requests/1/admin-decision", { approve: true }, 409, "REQUEST_STATE_INVALID"],
    ["admin", "POST", "/api/site-requests/999/admin-decision", { approve: true }, 404, "SITE_REQUEST_NOT_FOUND"],
    ["tina", "POST", "/api/site-requests/1/teacher-decision", { approve: "yes" }, 400, "VALIDATION_FAILED"],
    ["alice", "GET", "/api/site-requests/abc", undefined, 400, "VALIDATION_FAILED"],
    [
      "tina",
      "POST",
      "/api/site-requests",
      { activity: "Chess", siteName: "chess2", sponsor: "tina", agreement: true },
      403,
      "FORBIDDEN",
    ],
    [
      "bob",
      "POST",
      "/api/site-requests",
      { activity: "Chess", siteName: "chess2", sponsor: "alice", agreement: true },
      422,
      "SPONSOR_NOT_A_TEACHER",
    ],
    [
      "bob",
      "POST",
      "/api/site-requests",
      { activity: "Chess", siteName: "chess2", sponsor: "tina", agreement: false },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "bob",
      "POST",
      "/api/site-requests",
      { activity: "Chess", siteName: "chess", sponsor: "tina", agreement: true },
      409,
      "SITE_NAME_TAKEN",
    ],
    // a disabled account's sessions stop working everywhere; a person who has not accepted the guidelines is held
    ["off", "GET", "/api/sites", undefined, 401, "AUTH_REQUIRED"],
    ["off", "GET", "/api/auth/me", undefined, 401, "AUTH_REQUIRED"],
    ["fresh", "GET", "/api/sites", undefined, 403, "GUIDELINES_NOT_ACCEPTED"],
    ["fresh", "GET", "/api/images", undefined, 403, "GUIDELINES_NOT_ACCEPTED"],
    ["fresh", "POST", "/api/sites", { name: "fresh", purpose: "personal" }, 403, "GUIDELINES_NOT_ACCEPTED"],
    ["fresh", "GET", "/api/auth/me", undefined, 200, null],
    // logging in
    [
      null,
      "POST",
      "/api/auth/login",
      { username: "alice", password: "not it at all" },
      401,
      "AUTH_INVALID_CREDENTIALS",
    ],
    [null, "POST", "/api/auth/login", { username: "off", password }, 403, "ACCOUNT_DISABLED"],
    [null, "POST", "/api/auth/login", { username: "alice" }, 400, "VALIDATION_FAILED"],
    [null, "GET", "/api/auth/options", undefined, 200, null],
    // browser navigations: a failure goes back to the login page, which says what the code means
    [null, "GET", "/api/auth/oidc/start", undefined, 302, "OIDC_NOT_CONFIGURED"],
    [null, "GET", "/api/auth/oidc/callback?code=x&state=y", undefined, 302, "OIDC_NOT_CONFIGURED"],
    [null, "POST", "/api/auth/logout", undefined, 401, "AUTH_REQUIRED"],
    ["off", "POST", "/api/auth/logout", undefined, 401, "AUTH_REQUIRED"],
    // guidelines
    [null, "GET", "/api/guidelines", undefined, 401, "AUTH_REQUIRED"],
    ["off", "GET", "/api/guidelines", undefined, 401, "AUTH_REQUIRED"],
    ["alice", "GET", "/api/guidelines", undefined, 200, null],
    ["fresh", "GET", "/api/guidelines", undefined, 200, null],
    [null, "POST", "/api/guidelines/accept", undefined, 401, "AUTH_REQUIRED"],
    ["off", "POST", "/api/guidelines/accept", undefined, 401, "AUTH_REQUIRED"],
    ["alice", "POST", "/api/guidelines/accept", undefined, 200, null],
    // administration: accounts, audit log, mass email are for administrators only
    // the administrators' comment on a site: set by administrators, read by its members
    ["alice", "PUT", "/api/sites/club/admin-comment", { comment: "x" }, 403, "FORBIDDEN"],
    ["bob", "PUT", "/api/sites/club/admin-comment", { comment: "x" }, 404, "SITE_NOT_FOUND"],
    [null, "PUT", "/api/sites/club/admin-comment", { comment: "x" }, 401, "AUTH_REQUIRED"],
    ["admin", "PUT", "/api/sites/club/admin-comment", { comment: 5 }, 400, "VALIDATION_FAILED"],
    ["admin", "PUT", "/api/sites/club/admin-comment", { comment: "Served again on Monday." }, 200, null],
    // every operation, and retrying a failed one: administrators only
    ...adminOnly("GET", "/api/admin/operations?status=failed", undefined, 200),
    ...adminOnly("POST", "/api/admin/operations/999999/retry", undefined, 404),
    ["admin", "GET", "/api/admin/operations?status=broken", undefined, 400, "VALIDATION_FAILED"],
    ["admin", "POST", "/api/admin/operations/abc/retry", undefined, 400, "VALIDATION_FAILED"],
    ["alice", "POST", "/api/admin/operations/2/retry", undefined, 403, "FORBIDDEN"],
    ...adminOnly("GET", "/api/admin/users", undefined, 200),
    ...adminOnly("POST", "/api/admin/users", { username: "invited", role: "teacher" }, 201),
    ...adminOnly("PATCH", "/api/admin/users/alice", { graduationYear: 2030 }, 200),
    ...adminOnly("GET", "/api/admin/audit?limit=5", undefined, 200),
    ...adminOnly("POST", "/api/admin/mail", { subject: "Hi", text: "Hello", to: ["alice"], confirm: true }, 200),
    ["admin", "GET", "/api/admin/users?limit=500", undefined, 400, "VALIDATION_FAILED"],
    ["admin", "POST", "/api/admin/users", { username: "invited", role: "teacher" }, 409, "USERNAME_TAKEN"],
    ["admin", "POST", "/api/admin/users", { username: "x", role: "admin" }, 400, "VALIDATION_FAILED"],
    ["admin", "PATCH", "/api/admin/users/nobody", { role: "teacher" }, 404, "USER_NOT_FOUND"],
    ["admin", "PATCH", "/api/admin/users/admin", { isSuperuser: false }, 409, "SELF_LOCKOUT"],
    ["admin", "PATCH", "/api/admin/users/admin", { isActive: false }, 409, "SELF_LOCKOUT"],
    ["admin", "GET", "/api/admin/audit?before=x", undefined, 400, "VALIDATION_FAILED"],
    ["admin", "POST", "/api/admin/mail", { subject: "Hi", text: "Hello", to: "all" }, 400, "CONFIRMATION_REQUIRED"],
    [
      "admin",
      "POST",
      "/api/admin/mail",
      { subject: "Hi", text: "Hello", to: ["ghost"], confirm: true },
      404,
      "USER_NOT_FOUND",
    ],
    // the live channel: its upgrade is refused like any API call (live.int.test.ts follows an open one)
    // (no session at all: refused before its Origin is looked at; a session's cross-site upgrade is live.int.test.ts's)
    [null, "GET", "/ws", undefined, 401, "AUTH_REQUIRED"],
    ["off", "GET", "/ws", undefined, 401, "AUTH_REQUIRED"],
    ["fresh", "GET", "/ws", undefined, 403, "GUIDELINES_NOT_ACCEPTED"],
    // metrics: no token configured here, so no route
    [null, "GET", "/metrics", undefined, 404, "NOT_FOUND"],
    ["admin", "GET", "/metrics", undefined, 404, "NOT_FOUND"],
    // last: these change the callers themselves
    ["fresh", "POST", "/api/guidelines/accept", undefined, 200, null],
    ["fresh", "GET", "/api/sites", undefined, 200, null],
    ["fresh", "POST", "/api/auth/logout", undefined, 204, null],
  ];

  it.each(table)("%s %s %s → %i %s", async (who, method, url, payload, status, code) => {
    const answer = await call(who, method, url, payload);
    expect(answer.statusCode, answer.body).toBe(status);
    if (status === 302) expect(answer.headers.location).toBe(`/login?error=${code}`);
    else if (code) expect(answer.json().error.code).toBe(code);
  });

  it("lists only the sites a user is a member of", async () => {
    const names = async (who: string) =>
      (await call(who, "GET", "/api/sites")).json().sites.map((site: { name: string }) => site.name);
    expect(await names("alice")).toEqual(["alice", "closed", "club"]);
    expect(await names("bob")).toEqual([]);
    expect(await names("admin")).toEqual(["alice", "closed", "club"]);
  });

  it("keeps a disabled site visible to its members but not editable", async () => {
    await database.db.updateTable("sites").set({ availability: "disabled" }).where("name", "=", "club").execute();
    expect((await call("alice", "GET", "/api/sites/club")).json().availability).toBe("disabled");
    const write = await call("alice", "PUT", "/api/sites/club/files/public/z.html", "z");
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe("FORBIDDEN");
    expect((await call("admin", "PUT", "/api/sites/club/files/public/z.html", "z")).statusCode).toBe(200);
  });

  it("reconciles: queues a repair with only the steps the drift needs, removes leftovers, reports a busy site", async () => {
    hostInventory.missingBalancerFor = new Set(["club"]);
    hostInventory.leftoverServiceIds = [999];
    const dryRun = (await call("admin", "POST", "/api/admin/reconcile", { isDryRun: true })).json();
    expect(dryRun).toMatchObject({ installationId: "test", isDryRun: true, checkedSites: 3, isInSync: false });
    expect(dryRun.items.map((item: { site: string; outcome: string }) => [item.site, item.outcome])).toEqual([
      ["club", "reported"],
      ["#999", "reported"],
    ]);
    expect(hostInventory.removed).toEqual([]);

    const run = (await call("admin", "POST", "/api/admin/reconcile", {})).json();
    expect(run.items).toMatchObject([
      { site: "club", drift: [{ kind: "balancer_config_missing" }], outcome: "queued", isOrphan: false },
      { site: "#999", drift: [{ kind: "orphan_service" }], outcome: "removed", isOrphan: true },
    ]);
    expect(run.isRepaired).toBe(false); // queued, not waited for
    expect(hostInventory.removed).toEqual(["service 999"]);
    const operation = (await call("admin", "GET", `/api/operations/${run.items[0].operationId}`)).json();
    expect(operation).toMatchObject({ kind: "reconcile_site", siteName: "club", status: "pending" });
    expect(operation.steps.map((step: { slug: string }) => step.slug)).toEqual(["write_balancer_config"]);

    // no worker runs here: the repair is still pending, so the site is busy for the next run
    const again = (await call("admin", "POST", "/api/admin/reconcile", { site: "club" })).json();
    expect(again.items).toMatchObject([{ site: "club", outcome: "busy", operationId: null }]);
    await database.db.updateTable("operations").set({ status: "succeeded" }).execute();
    hostInventory.missingBalancerFor = new Set();
    const inSync = (await call("admin", "POST", "/api/admin/reconcile", {})).json();
    expect(inSync).toMatchObject({ isInSync: true, isRepaired: true, items: [] });
  });

  it("refuses a second operation on a busy site and a session after logout", async () => {
    const first = await call("admin", "DELETE", "/api/sites/alice", { confirmName: "alice" });
    expect(first.statusCode).toBe(202);
    const second = await call("admin", "DELETE", "/api/sites/alice", { confirmName: "alice" });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe("SITE_BUSY");
    expect((await call("bob", "POST", "/api/auth/logout")).statusCode).toBe(204);
    expect((await call("bob", "GET", "/api/auth/me")).json().error.code).toBe("AUTH_REQUIRED");
  });
});
