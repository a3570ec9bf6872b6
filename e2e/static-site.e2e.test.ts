/**
 * The Foundation golden path against a real `director up`: embedded PostgreSQL, nginx, orchestrator, router,
 * manager and worker in one process, driven over HTTP like a user with curl would.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { type HttpAnswer, httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

/** Command lines of running processes that mention `text` (nginx and postgres name their data directory). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (commandLine.includes(text)) found.push(commandLine.replaceAll("\0", " ").trim());
  }
  return found;
}

describe("director up: a static site end to end", () => {
  let director: DirectorProcess;
  let admin: ApiSession;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const site = (name: string, sitePath = "/") =>
    httpRequest({ url: `${director.sitesUrl}${sitePath}`, host: `${name}.sites.localhost:${director.ports.sites}` });

  it("creates the first administrator from the command line (password on stdin, never argv)", async () => {
    expect(director.output).toContain("No account exists yet");
    const created = await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    expect(created.stderr + created.stdout).toContain("Created administrator admin");
    expect(created.code).toBe(0);
    const again = await director.run(["admin", "create-user", "--username", "admin"], `${password}\n`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("USERNAME_TAKEN");
    const weak = await director.run(["admin", "create-user", "--username", "weak"], "short\n");
    expect(weak.stderr).toContain("PASSWORD_TOO_WEAK");
  });

  it("refuses a wrong password and calls without a session", async () => {
    const wrong = await httpRequest({
      url: `${director.managerUrl}/api/auth/login`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "not the password" }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json().error.code).toBe("AUTH_INVALID_CREDENTIALS");
    const anonymous = await httpRequest({ url: `${director.managerUrl}/api/sites` });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json().error.code).toBe("AUTH_REQUIRED");
    admin = await ApiSession.login(director.managerUrl, "admin", password);
  });

  it("creates site hello, uploads index.html and serves it through the router", async () => {
    const created = await admin.request("POST", "/api/sites", {
      json: { name: "hello", description: "My first site" },
    });
    expect(created.status, created.text).toBe(202);
    const { site: view, operation } = created.json();
    expect(view).toMatchObject({ name: "hello", type: "static", isReady: false });
    expect(operation.steps.map((step: { slug: string }) => step.slug)).toEqual([
      "create_site_directories",
      "start_service",
      "write_balancer_config",
      "add_route",
      "mark_ready",
    ]);
    // progress streams as Server-Sent Events until the operation ends
    const events = await admin.streamOperation(operation.id);
    expect(events.at(-1)?.status).toBe("succeeded");
    expect(events.at(-1)?.steps.map((step) => step.status)).toEqual(Array(5).fill("succeeded"));
    const finished = await admin.waitForOperation(operation.id);
    expect(finished.status, JSON.stringify(finished)).toBe("succeeded");

    const page = "<!doctype html><h1>Hello from Director</h1>\n";
    const uploaded = await admin.request("PUT", "/api/sites/hello/files/public/index.html", { body: page });
    expect(uploaded.status, uploaded.text).toBe(200);
    expect(uploaded.json()).toEqual({
      path: "public/index.html",
      sizeBytes: Buffer.byteLength(page),
      modifiedAt: expect.any(String),
    });

    const served = await site("hello");
    expect(served.status).toBe(200);
    expect(served.text).toBe(page);
    expect(String(served.headers["content-type"])).toContain("text/html");

    const readBack = await admin.request("GET", "/api/sites/hello/files/public/index.html");
    expect(readBack.text).toBe(page);
    expect(readBack.headers["content-disposition"]).toBe("attachment");
    const listing = await admin.request("GET", "/api/sites/hello/files/public");
    expect(listing.json().entries.map((entry: { name: string }) => entry.name)).toEqual(["index.html"]);

    const details = await admin.request("GET", "/api/sites/hello");
    expect(details.json()).toMatchObject({
      name: "hello",
      isReady: true,
      members: ["admin"],
      description: "My first site",
    });
  });

  it("answers bad input with a 4xx and a stable code, changing nothing", async () => {
    const cases: Array<[string, Promise<HttpAnswer>, number, string]> = [
      ["invalid name", admin.request("POST", "/api/sites", { json: { name: "Bad_Name" } }), 400, "SITE_NAME_INVALID"],
      ["too short", admin.request("POST", "/api/sites", { json: { name: "a" } }), 400, "SITE_NAME_INVALID"],
      ["reserved", admin.request("POST", "/api/sites", { json: { name: "www" } }), 409, "SITE_NAME_RESERVED"],
      ["duplicate", admin.request("POST", "/api/sites", { json: { name: "hello" } }), 409, "SITE_NAME_TAKEN"],
      [
        "unknown type",
        admin.request("POST", "/api/sites", { json: { name: "dyn", type: "serverless" } }),
        400,
        "VALIDATION_FAILED",
      ],
      ["bad json", admin.request("POST", "/api/sites", { json: { name: 5 } }), 400, "VALIDATION_FAILED"],
      ["unknown site", admin.request("GET", "/api/sites/nope"), 404, "SITE_NOT_FOUND"],
      [
        "upload to unknown site",
        admin.request("PUT", "/api/sites/nope/files/public/a.txt", { body: "x" }),
        404,
        "SITE_NOT_FOUND",
      ],
      [
        "dot-dot in the path",
        admin.request("PUT", "", { body: "x", rawPath: "/api/sites/hello/files/public/../../../etc/evil" }),
        400,
        "PATH_ESCAPES_SITE",
      ],
      [
        "encoded dot-dot",
        admin.request("PUT", "", { body: "x", rawPath: "/api/sites/hello/files/public/%2e%2e/%2e%2e/evil" }),
        400,
        "PATH_ESCAPES_SITE",
      ],
      [
        "absolute path",
        admin.request("GET", "", { rawPath: "/api/sites/hello/files//etc/passwd" }),
        400,
        "PATH_ESCAPES_SITE",
      ],
      ["missing file", admin.request("GET", "/api/sites/hello/files/public/missing.html"), 404, "PATH_NOT_FOUND"],
      [
        // The length is declared and no byte of the body sent: the manager refuses on the header alone. Sending the
        // 10 MiB too would race its close against our writes (a reset can drop the 413 before we read it).
        "oversized upload",
        admin.request("PUT", "/api/sites/hello/files/public/big.bin", {
          body: "",
          headers: { "content-length": String(10 * 1024 * 1024 + 1) },
        }),
        413,
        "UPLOAD_TOO_LARGE",
      ],
      ["unknown operation", admin.request("GET", "/api/operations/999999"), 404, "OPERATION_NOT_FOUND"],
    ];
    for (const [label, pending, status, code] of cases) {
      const answer = await pending;
      expect({ label, status: answer.status, code: answer.json().error?.code }).toEqual({ label, status, code });
      expect(answer.json().error.message.length, label).toBeGreaterThan(10);
    }
    const sites = await admin.request("GET", "/api/sites");
    expect(sites.json().sites.map((s: { name: string }) => s.name)).toEqual(["hello"]);
    expect(existsSync("/etc/evil")).toBe(false);
    const files = await admin.request("GET", "/api/sites/hello/files/public");
    expect(files.json().entries.map((entry: { name: string }) => entry.name)).toEqual(["index.html"]);
  });

  it("refuses a cookie session without the CSRF header on a change", async () => {
    const login = await httpRequest({
      url: `${director.managerUrl}/api/auth/login`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    const cookie = String(login.headers["set-cookie"]).split(";")[0] ?? "";
    expect(String(login.headers["set-cookie"])).toContain("HttpOnly");
    const withoutHeader = await httpRequest({
      url: `${director.managerUrl}/api/sites`,
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "csrf-site" }),
    });
    expect(withoutHeader.status).toBe(403);
    expect(withoutHeader.json().error.code).toBe("CSRF_HEADER_MISSING");
    const read = await httpRequest({ url: `${director.managerUrl}/api/sites/hello`, headers: { cookie } });
    expect(read.status).toBe(200);
  });

  it("deletes the site: 404 through the router, config and files gone", async () => {
    const { id } = (await admin.request("GET", "/api/sites/hello")).json();
    const siteDir = path.join(director.dataDir, "sites", String(id));
    expect(existsSync(path.join(siteDir, "public", "index.html"))).toBe(true);
    // A static site has an entry in the balancer's site index and no server block of its own.
    const indexEntry = path.join(director.dataDir, "nginx", "site-index", "ids", String(id));
    expect(existsSync(indexEntry)).toBe(true);
    expect(await readdir(path.join(director.dataDir, "nginx", "balancer.d"))).toEqual(["00-sites.conf"]);

    const deleted = await admin.request("DELETE", "/api/sites/hello", { json: { confirmName: "hello" } });
    expect(deleted.status, deleted.text).toBe(202);
    const finished = await admin.waitForOperation(deleted.json().operation.id);
    expect(finished.status, JSON.stringify(finished)).toBe("succeeded");

    const gone = await site("hello");
    expect(gone.status).toBe(404);
    expect(gone.text).not.toContain("Hello from Director");
    expect(existsSync(siteDir)).toBe(false);
    expect(existsSync(indexEntry)).toBe(false);
    expect(await readdir(path.join(director.dataDir, "nginx", "site-index", "names"))).toEqual([]);
    expect((await admin.request("GET", "/api/sites/hello")).status).toBe(404);
    // the history stays readable
    expect(finished.siteName).toBe("hello");
  });

  it("stops on Ctrl-C and a second start reuses the data", async () => {
    expect(await director.stop("SIGINT")).toBe(0);
    // nothing it started outlives it: no nginx or PostgreSQL of this data directory is left running
    expect(await processesMentioning(director.dataDir)).toEqual([]);
    await director.start();
    expect(director.output).not.toContain("No account exists yet");
    const again = await ApiSession.login(director.managerUrl, "admin", password);
    // ?wait=true answers when the site is ready, so a script can upload right away
    const created = await again.request("POST", "/api/sites?wait=true", { json: { name: "second" } });
    expect(created.status, created.text).toBe(201);
    expect(created.json().site).toMatchObject({ name: "second", isReady: true });
    expect(created.json().operation.status).toBe("succeeded");
    const uploaded = await again.request("PUT", "/api/sites/second/files/public/index.html", { body: "second" });
    expect(uploaded.status, uploaded.text).toBe(200);
    expect((await site("second")).text).toBe("second");
    const deleted = await again.request("DELETE", "/api/sites/second?wait=true", { json: { confirmName: "second" } });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await site("second")).status).toBe(404);

    // `director up` builds the web interface when it is missing, and the manager serves it at `/`
    const landing = await httpRequest({ url: `${director.managerUrl}/` });
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('<div id="root">');
  });
});
