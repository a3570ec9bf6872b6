import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { installErrorHandling } from "@director/http-kit/error-handler";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerWebInterface } from "./web-interface.js";

describe("the web interface's files (a real dist directory on disk)", () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "director-web-"));
    await mkdir(path.join(dir, "assets"));
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>Director</title><div id=root></div>");
    await writeFile(path.join(dir, "assets", "index-abc123.js"), "console.log('hi')");
    app = Fastify();
    installErrorHandling(app);
    app.get("/api/sites", async () => ({ sites: [] }));
    await registerWebInterface(app, dir);
  });

  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves index.html at / and for client routes, revalidated every time", async () => {
    for (const url of ["/", "/sites/blog", "/admin/operations?failed=1"]) {
      const answer = await app.inject({ url });
      expect(answer.statusCode, url).toBe(200);
      expect(answer.headers["content-type"], url).toContain("text/html");
      expect(answer.headers["cache-control"], url).toBe("no-cache");
      expect(answer.body, url).toContain("<div id=root>");
    }
  });

  it("serves hashed assets as immutable", async () => {
    const answer = await app.inject({ url: "/assets/index-abc123.js" });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(answer.body).toBe("console.log('hi')");
  });

  it("keeps the API's JSON 404 for unknown /api paths and missing files, never index.html", async () => {
    for (const url of ["/api/nothing-here", "/api", "/assets/gone-123.js", "/favicon.ico"]) {
      const answer = await app.inject({ url });
      expect(answer.statusCode, url).toBe(404);
      expect(answer.json().error.code, url).toBe("NOT_FOUND");
    }
    expect((await app.inject({ url: "/api/sites" })).json()).toEqual({ sites: [] });
    expect((await app.inject({ method: "POST", url: "/api/nothing" })).statusCode).toBe(404);
  });

  it("says the interface is not built when dist is missing", async () => {
    const bare = Fastify();
    installErrorHandling(bare);
    await registerWebInterface(bare, path.join(dir, "no-such-dist"));
    const answer = await bare.inject({ url: "/" });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain("setup-host.sh --web");
    await bare.close();
  });
});
