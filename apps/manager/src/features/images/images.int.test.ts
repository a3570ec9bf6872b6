/**
 * Published images and a site's image change through the manager's HTTP edge, against a real PostgreSQL: who may do
 * what, and bad input refused with a stable code while nothing changes (no row, no queued operation).
 */
import { DirectorError } from "@director/domain/errors";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { managerConfigSchema } from "../../config.js";
import { buildTestManagerApp } from "../../testing/test-app.js";

const password = "a password long enough";
const config = managerConfigSchema.parse({
  http: {},
  databaseUrl: "unused",
  sites: {},
  files: {},
  domains: {},
  sessions: {},
  orchestrator: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
  router: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
  worker: {},
});
const debian = {
  name: "debian",
  friendlyName: "Debian 12",
  description: "Debian with apt",
  parentRef: "director/base-debian:bookworm",
  setupCommands: "apt-get update -qq",
  installCommandPrefix: "apt-get install -y -qq --no-install-recommends",
  runShTemplate: "", // none: a site cannot ask for its run.sh
};

/** Stands in for the orchestrator and router, which these tests never reach. */
describe("images API", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await createServerTestDatabase();
    let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
    ({ app, services } = await buildTestManagerApp(database, {
      config,
      // Uploads land nowhere; reads find nothing (these tests never read files back).
      fileStore: {
        read: async () => {
          throw new DirectorError("PATH_NOT_FOUND", "no files here");
        },
        write: async (_siteId, path, body) => ({ path, sizeBytes: body.byteLength, modifiedAt: "" }),
        remove: async () => undefined,
        change: async (_siteId, path) => ({ path }),
        zip: async () => {
          throw new DirectorError("PATH_NOT_FOUND", "no files here");
        },
      },
    }));
    for (const [username, isSuperuser] of [
      ["admin", true],
      ["alice", false],
    ] as const) {
      await services.auth.createUser({ username, password, isSuperuser });
      tokens[username] = (await services.auth.login(username, password)).token;
    }
    await services.sites.create(
      { id: 2, username: "alice", isSuperuser: false },
      { name: "alice", type: "dynamic", purpose: "personal", description: "" },
    );
    await database.db.updateTable("operations").set({ status: "succeeded" }).execute();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const call = (who: string, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const imageNames = async () =>
    (await database.db.selectFrom("images").select("name").orderBy("name").execute()).map((row) => row.name);
  const operationCount = async () =>
    Number(
      (
        await database.db
          .selectFrom("operations")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst()
      )?.n,
    );
  const aliceSite = () =>
    database.db
      .selectFrom("sites")
      .select(["image_id", "extra_packages", "image_ref"])
      .where("name", "=", "alice")
      .executeTakeFirstOrThrow();

  it("lists the default busybox image to everyone; its build inputs only to administrators", async () => {
    const listed = await call("alice", "GET", "/api/images");
    expect(listed.statusCode).toBe(200);
    expect(listed.json().images).toEqual([
      expect.objectContaining({ name: "busybox", isUserVisible: true, acceptsPackages: false }),
    ]);
    expect(listed.json().images[0]).not.toHaveProperty("parentRef");
    const asAdmin = (await call("admin", "GET", "/api/images")).json().images[0];
    expect(asAdmin.parentRef).toBe("director/base-busybox:latest");
  });

  it("lets an administrator add, change and remove an image", async () => {
    const created = await call("admin", "POST", "/api/images", debian);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: "debian", acceptsPackages: true, logoUrl: null });
    const taken = await call("admin", "POST", "/api/images", debian);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe("IMAGE_NAME_TAKEN");

    const hidden = await call("admin", "PATCH", "/api/images/debian", { isUserVisible: false });
    expect(hidden.statusCode, hidden.body).toBe(200);
    expect(hidden.json()).toMatchObject({ isUserVisible: false, friendlyName: "Debian 12" });
    expect(
      (await call("alice", "GET", "/api/images")).json().images.map((image: { name: string }) => image.name),
    ).toEqual(["busybox"]);
    // a hidden image is no image for a non-administrator
    const useHidden = await call("alice", "PUT", "/api/sites/alice/image", { image: "debian", packages: [] });
    expect(useHidden.statusCode).toBe(404);
    expect(useHidden.json().error.code).toBe("IMAGE_NOT_FOUND");
    await call("admin", "PATCH", "/api/images/debian", { isUserVisible: true });

    await call("admin", "POST", "/api/images", { ...debian, name: "scratch-copy" });
    const deleted = await call("admin", "DELETE", "/api/images/scratch-copy");
    expect(deleted.statusCode).toBe(204);
    expect(await imageNames()).toEqual(["busybox", "debian"]);
  });

  it.each<[string, string, "POST" | "PATCH" | "DELETE", string, object | undefined, number, string]>([
    ["a non-administrator adding", "alice", "POST", "/api/images", { ...debian, name: "mine" }, 403, "FORBIDDEN"],
    ["a non-administrator changing", "alice", "PATCH", "/api/images/busybox", { friendlyName: "x" }, 403, "FORBIDDEN"],
    ["a non-administrator removing", "alice", "DELETE", "/api/images/busybox", undefined, 403, "FORBIDDEN"],
    ["a bad name", "admin", "POST", "/api/images", { ...debian, name: "Bad_Name" }, 400, "VALIDATION_FAILED"],
    [
      "a bad parent",
      "admin",
      "POST",
      "/api/images",
      { ...debian, name: "x1", parentRef: "a b" },
      400,
      "IMAGE_REF_INVALID",
    ],
    [
      "a two-line install command",
      "admin",
      "POST",
      "/api/images",
      { ...debian, name: "x2", installCommandPrefix: "apt-get install\nrm -rf /" },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a javascript: logo",
      "admin",
      "POST",
      "/api/images",
      { ...debian, name: "x3", logoUrl: "javascript:alert(1)" },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "an unknown field",
      "admin",
      "POST",
      "/api/images",
      { ...debian, name: "x4", root: true },
      400,
      "VALIDATION_FAILED",
    ],
    ["changing an unknown image", "admin", "PATCH", "/api/images/nope", { friendlyName: "x" }, 404, "IMAGE_NOT_FOUND"],
    ["removing an unknown image", "admin", "DELETE", "/api/images/nope", undefined, 404, "IMAGE_NOT_FOUND"],
  ])(
    "refuses %s (%s %s %s) with %i %s and changes nothing",
    async (_label, who, method, url, payload, status, code) => {
      const before = await database.db.selectFrom("images").selectAll().orderBy("id").execute();
      const answer = await call(who, method, url, payload);
      expect(answer.statusCode, answer.body).toBe(status);
      expect(answer.json().error.code).toBe(code);
      expect(await database.db.selectFrom("images").selectAll().orderBy("id").execute()).toEqual(before);
    },
  );

  it.each<[string, string, object, number, string]>([
    ["an unknown image", "alice", { image: "nope", packages: [] }, 404, "IMAGE_NOT_FOUND"],
    ["a bad package name", "alice", { image: "debian", packages: ["jq", "jq; rm -rf /"] }, 400, "PACKAGE_NAME_INVALID"],
    ["a quoted package name", "alice", { image: "debian", packages: ["jq'"] }, 400, "PACKAGE_NAME_INVALID"],
    [
      "too many packages",
      "alice",
      { image: "debian", packages: Array.from({ length: 51 }, (_, i) => `pkg${i}`) },
      400,
      "PACKAGE_NAME_INVALID",
    ],
    [
      "packages for an image that takes none",
      "alice",
      { image: "busybox", packages: ["jq"] },
      400,
      "VALIDATION_FAILED",
    ],
    ["no image", "alice", { packages: [] }, 400, "VALIDATION_FAILED"],
    [
      "a run.sh from an image without a template",
      "alice",
      { image: "debian", packages: [], writeRunScript: true },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a writeRunScript that is not a boolean",
      "alice",
      { image: "busybox", writeRunScript: "yes" },
      400,
      "VALIDATION_FAILED",
    ],
  ])("refuses a site image change with %s and queues nothing", async (_label, who, payload, status, code) => {
    const operationsBefore = await operationCount();
    const siteBefore = await aliceSite();
    const answer = await call(who, "PUT", "/api/sites/alice/image", payload);
    expect(answer.statusCode, answer.body).toBe(status);
    expect(answer.json().error.code).toBe(code);
    expect(await operationCount()).toBe(operationsBefore);
    expect(await aliceSite()).toEqual(siteBefore);
  });

  it("queues an image change without touching the site until its build succeeds", async () => {
    const answer = await call("alice", "PUT", "/api/sites/alice/image", {
      image: "debian",
      packages: ["jq", "curl", "jq"],
    });
    expect(answer.statusCode, answer.body).toBe(202);
    const operation = answer.json().operation;
    expect(operation.kind).toBe("update_image");
    expect(operation.steps.map((step: { slug: string }) => step.slug)).toEqual([
      "build_image",
      "write_run_script",
      "apply_image",
    ]);
    const row = await database.db
      .selectFrom("operations")
      .select("input")
      .where("id", "=", operation.id)
      .executeTakeFirst();
    const debianId = (
      await database.db.selectFrom("images").select("id").where("name", "=", "debian").executeTakeFirst()
    )?.id;
    expect(row?.input).toEqual({ imageId: debianId, packages: ["curl", "jq"], writeRunScript: false });
    expect(await aliceSite()).toEqual({ image_id: null, extra_packages: [], image_ref: null });
    const site = (await call("alice", "GET", "/api/sites/alice")).json();
    expect(site).toMatchObject({ image: null, packages: [] });
  });

  it("refuses to remove an image a site uses", async () => {
    const debianId = (
      await database.db.selectFrom("images").select("id").where("name", "=", "debian").executeTakeFirst()
    )?.id;
    await database.db
      .updateTable("sites")
      .set({ image_id: debianId ?? null })
      .where("name", "=", "alice")
      .execute();
    const answer = await call("admin", "DELETE", "/api/images/debian");
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error.code).toBe("IMAGE_IN_USE");
    expect(await imageNames()).toEqual(["busybox", "debian"]);
    expect((await call("alice", "GET", "/api/sites/alice")).json().image).toBe("debian");
  });
});
