import { afterEach, describe, expect, it } from "vitest";
import { authorization, buildTestOrchestratorApp } from "../testing/test-app.js";

const upload = { ...authorization, "content-type": "application/octet-stream" };
let current: ReturnType<typeof buildTestOrchestratorApp>;

function setUp() {
  current = buildTestOrchestratorApp({ maxFileBytes: 1024 });
  return current;
}

afterEach(async () => {
  await current.app.close();
});

describe("/internal/v1/sites/:id/files", () => {
  it("writes raw bytes, reads them back as octet-stream with nosniff, and removes them idempotently", async () => {
    const { app, files } = setUp();
    const bytes = Buffer.from([0, 1, 2, 255]);
    const put = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/files?path=public/data.bin",
      headers: upload,
      payload: bytes,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ path: "public/data.bin", sizeBytes: 4 });

    const get = await app.inject({
      method: "GET",
      url: "/internal/v1/sites/42/files?path=public/data.bin",
      headers: authorization,
    });
    expect(get.statusCode).toBe(200);
    expect(get.headers["content-type"]).toBe("application/octet-stream");
    expect(get.headers["x-content-type-options"]).toBe("nosniff");
    expect(get.rawPayload).toEqual(bytes);

    for (let round = 0; round < 2; round++) {
      const response = await app.inject({
        method: "DELETE",
        url: "/internal/v1/sites/42/files?path=public/data.bin",
        headers: authorization,
      });
      expect(response.statusCode).toBe(204);
    }
    expect(files.files.size).toBe(0);
  });

  it("writes 0644 by default, 0755 with ?mode=755, and refuses any other mode", async () => {
    const { app, files } = setUp();
    for (const [query, mode] of [
      ["", 0o644],
      ["&mode=644", 0o644],
      ["&mode=755", 0o755],
    ] as const) {
      const put = await app.inject({
        method: "PUT",
        url: `/internal/v1/sites/42/files?path=run.sh${query}`,
        headers: upload,
        payload: "#!/bin/sh\n",
      });
      expect(put.statusCode).toBe(200);
      expect(files.modes.get("42:run.sh")).toBe(mode);
    }
    for (const mode of ["777", "4755", "0755", "abc"]) {
      const put = await app.inject({
        method: "PUT",
        url: `/internal/v1/sites/42/files?path=x.sh&mode=${mode}`,
        headers: upload,
        payload: "x",
      });
      expect(put.statusCode).toBe(400);
      expect(put.json().error.code).toBe("VALIDATION_FAILED");
    }
    expect(files.files.has("42:x.sh")).toBe(false);
  });

  it("accepts an empty file", async () => {
    const { app, files } = setUp();
    const put = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/files?path=public/empty",
      headers: upload,
    });
    expect(put.statusCode).toBe(200);
    expect(files.files.get("42:public/empty")).toEqual(Buffer.alloc(0));
  });

  it("answers a directory listing as JSON, for a directory or for no path", async () => {
    const { app } = setUp();
    await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/files?path=public/a.html",
      headers: upload,
      payload: "a",
    });
    const listing = await app.inject({
      method: "GET",
      url: "/internal/v1/sites/42/files?path=public",
      headers: authorization,
    });
    expect(listing.statusCode).toBe(200);
    expect(listing.json()).toEqual({
      path: "public",
      entries: [expect.objectContaining({ name: "a.html", type: "file", sizeBytes: 1 })],
      totalEntries: 1,
      nextAfter: null,
    });
    const root = await app.inject({ method: "GET", url: "/internal/v1/sites/42/files", headers: authorization });
    expect(root.json().entries.map((entry: { name: string }) => entry.name)).toEqual(["public"]);
  });

  it("answers one page of a directory: limit and after pass through, bad ones are 400 VALIDATION_FAILED", async () => {
    const { app } = setUp();
    for (const name of ["c", "a", "b"]) {
      await app.inject({
        method: "PUT",
        url: `/internal/v1/sites/42/files?path=d/${name}`,
        headers: upload,
        payload: "",
      });
    }
    const page = async (query: string) =>
      app.inject({ method: "GET", url: `/internal/v1/sites/42/files?path=d${query}`, headers: authorization });
    const first = (await page("&limit=2")).json();
    expect(first).toMatchObject({ totalEntries: 3, nextAfter: "b" });
    expect(first.entries.map((entry: { name: string }) => entry.name)).toEqual(["a", "b"]);
    const second = (await page("&limit=2&after=b")).json();
    expect(second).toMatchObject({ entries: [expect.objectContaining({ name: "c" })], nextAfter: null });
    for (const bad of [
      "&limit=0",
      "&limit=1001",
      "&limit=x",
      "&after=",
      "&after=a%2Fb",
      "&after=a%00",
      `&after=${"é".repeat(128)}`,
    ]) {
      const refused = await page(bad);
      expect(refused.statusCode, bad).toBe(400);
      expect(refused.json().error.code, bad).toBe("VALIDATION_FAILED");
    }
  });

  it("refuses a body over the limit with 413 UPLOAD_TOO_LARGE and writes nothing", async () => {
    const { app, files } = setUp();
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/files?path=public/big.bin",
      headers: upload,
      payload: Buffer.alloc(1025),
    });
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
    const url = `/internal/v1/sites/42/files?path=${encodeURIComponent(path)}`;
    for (const request of [
      { method: "PUT" as const, url, headers: upload, payload: "x" },
      { method: "GET" as const, url, headers: authorization },
      { method: "DELETE" as const, url, headers: authorization },
    ]) {
      const response = await app.inject(request);
      expect(response.statusCode).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(files.files.size).toBe(0);
  });

  it("needs a path to write or delete", async () => {
    const { app } = setUp();
    const put = await app.inject({ method: "PUT", url: "/internal/v1/sites/42/files", headers: upload, payload: "x" });
    expect(put.statusCode).toBe(400);
    expect(put.json().error.code).toBe("PATH_INVALID");
    const remove = await app.inject({ method: "DELETE", url: "/internal/v1/sites/42/files", headers: authorization });
    expect(remove.json().error.code).toBe("PATH_INVALID");
  });

  it("refuses a body that is not application/octet-stream", async () => {
    const { app, files } = setUp();
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/files?path=public/x.json",
      headers: authorization,
      payload: { a: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(files.files.size).toBe(0);
  });

  it("answers 404 PATH_NOT_FOUND for a missing file", async () => {
    const { app } = setUp();
    const response = await app.inject({
      method: "GET",
      url: "/internal/v1/sites/42/files?path=public/nope",
      headers: authorization,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("PATH_NOT_FOUND");
  });
});
