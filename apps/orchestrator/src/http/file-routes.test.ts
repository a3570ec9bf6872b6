import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { afterEach, describe, expect, it } from "vitest";
import { authorization, buildTestOrchestratorApp, callRoute } from "../testing/test-app.js";

const site = { params: { id: 42 } };
let current: ReturnType<typeof buildTestOrchestratorApp>;

function setUp() {
  current = buildTestOrchestratorApp({ maxFileBytes: 1024 });
  return current;
}

afterEach(async () => {
  await current.app.close();
});

const at = (path: string, more: Record<string, unknown> = {}) => ({ ...site, query: { path, ...more } });

describe("a site's files", () => {
  it("writes raw bytes, reads them back as octet-stream with nosniff, and removes them idempotently", async () => {
    const { app, files } = setUp();
    const bytes = Buffer.from([0, 1, 2, 255]);
    const put = await callRoute(app, api.writeFile, { ...at("public/data.bin"), body: bytes });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ path: "public/data.bin", sizeBytes: 4, modifiedAt: new Date(0).toISOString() });

    const get = await callRoute(app, api.readFile, at("public/data.bin"));
    expect(get.statusCode).toBe(200);
    expect(get.headers["content-type"]).toBe("application/octet-stream");
    expect(get.headers["x-content-type-options"]).toBe("nosniff");
    expect(get.rawPayload).toEqual(bytes);

    for (let round = 0; round < 2; round++) {
      expect((await callRoute(app, api.removeFile, at("public/data.bin"))).statusCode).toBe(204);
    }
    expect(files.files.size).toBe(0);
  });

  it("writes 0644 by default, 0755 with ?mode=755, and refuses any other mode", async () => {
    const { app, files } = setUp();
    for (const [mode, bits] of [
      [undefined, 0o644],
      ["644", 0o644],
      ["755", 0o755],
    ] as const) {
      const put = await callRoute(app, api.writeFile, { ...at("run.sh", { mode }), body: "#!/bin/sh\n" });
      expect(put.statusCode).toBe(200);
      expect(files.modes.get("42:run.sh")).toBe(bits);
    }
    for (const mode of ["777", "4755", "0755", "abc"]) {
      const put = await callRoute(app, api.writeFile, { ...at("x.sh", { mode }), body: "x" });
      expect(put.statusCode).toBe(400);
      expect(put.json().error.code).toBe("VALIDATION_FAILED");
    }
    expect(files.files.has("42:x.sh")).toBe(false);
  });

  it("accepts an empty file", async () => {
    const { app, files } = setUp();
    const put = await callRoute(app, api.writeFile, {
      ...at("public/empty"),
      headers: { ...authorization, "content-type": "application/octet-stream" },
    });
    expect(put.statusCode).toBe(200);
    expect(files.files.get("42:public/empty")).toEqual(Buffer.alloc(0));
  });

  it("answers a directory listing as JSON, for a directory or for no path", async () => {
    const { app } = setUp();
    await callRoute(app, api.writeFile, { ...at("public/a.html"), body: "a" });
    const listing = await callRoute(app, api.readFile, at("public"));
    expect(listing.statusCode).toBe(200);
    expect(listing.json()).toEqual({
      path: "public",
      entries: [expect.objectContaining({ name: "a.html", type: "file", sizeBytes: 1 })],
      totalEntries: 1,
      nextAfter: null,
    });
    const root = await callRoute(app, api.readFile, site);
    expect(root.json().entries.map((entry: { name: string }) => entry.name)).toEqual(["public"]);
  });

  it("answers one page of a directory: limit and after pass through, bad ones are 400 VALIDATION_FAILED", async () => {
    const { app } = setUp();
    for (const name of ["c", "a", "b"]) {
      await callRoute(app, api.writeFile, { ...at(`d/${name}`), body: "" });
    }
    const page = async (query: Record<string, unknown>) => callRoute(app, api.readFile, at("d", query));
    const first = (await page({ limit: 2 })).json();
    expect(first).toMatchObject({ totalEntries: 3, nextAfter: "b" });
    expect(first.entries.map((entry: { name: string }) => entry.name)).toEqual(["a", "b"]);
    const second = (await page({ limit: 2, after: "b" })).json();
    expect(second).toMatchObject({ entries: [expect.objectContaining({ name: "c" })], nextAfter: null });
    for (const bad of [
      { limit: 0 },
      { limit: 1001 },
      { limit: "x" },
      { after: "" },
      { after: "a/b" },
      { after: "a\0" },
      { after: "é".repeat(128) },
    ]) {
      const refused = await page(bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      expect(refused.json().error.code, JSON.stringify(bad)).toBe("VALIDATION_FAILED");
    }
  });

  it("refuses a body over the limit with 413 UPLOAD_TOO_LARGE and writes nothing", async () => {
    const { app, files } = setUp();
    const response = await callRoute(app, api.writeFile, { ...at("public/big.bin"), body: Buffer.alloc(1025) });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("UPLOAD_TOO_LARGE");
    expect(files.files.size).toBe(0);
  });

  it.each([
    ["../x", 400, "PATH_ESCAPES_SITE"],
    ["/etc/passwd", 400, "PATH_ESCAPES_SITE"],
    ["public/../../x", 400, "PATH_ESCAPES_SITE"],
    ["public//x", 400, "PATH_INVALID"],
    ["public\\x", 400, "PATH_INVALID"],
  ])("refuses the path %s before touching any file", async (path, status, code) => {
    const { app, files } = setUp();
    for (const [target, body] of [
      [api.writeFile, "x"],
      [api.readFile, undefined],
      [api.removeFile, undefined],
    ] as const) {
      const response = await callRoute(app, target, { ...at(path), body });
      expect(response.statusCode).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(files.files.size).toBe(0);
  });

  it("needs a path to write or delete", async () => {
    const { app } = setUp();
    const put = await callRoute(app, api.writeFile, { ...site, body: "x" });
    expect(put.statusCode).toBe(400);
    expect(put.json().error).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fields: { path: expect.any(String) } },
    });
    const remove = await callRoute(app, api.removeFile, site);
    expect(remove.json().error).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fields: { path: expect.any(String) } },
    });
  });

  it("refuses a body that is not application/octet-stream", async () => {
    const { app, files } = setUp();
    const response = await callRoute(app, api.writeFile, { ...at("public/x.json"), body: { a: 1 } });
    expect(response.statusCode).toBe(400);
    expect(files.files.size).toBe(0);
  });

  it("answers 404 PATH_NOT_FOUND for a missing file", async () => {
    const { app } = setUp();
    const response = await callRoute(app, api.readFile, at("public/nope"));
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("PATH_NOT_FOUND");
  });
});
