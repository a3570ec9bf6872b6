/**
 * The workspace's file operations through a real `director up` (manager, orchestrator, the site tree on disk, nginx):
 * make a folder, move and rename, change modes, remove a folder with everything in it, and download a folder or the
 * whole site as a zip; what a member may do, what everyone else is refused, and the audit trail.
 */
import { rm } from "node:fs/promises";
import { httpRequest } from "@director/testing/http-request";
import { zipEntries } from "@director/testing/zip-entries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

describe("director up: the workspace's file operations", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let member: ApiSession;
  let stranger: ApiSession;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    for (const username of ["ann", "eve"]) {
      await director.run(["admin", "create-user", "--username", username], `${password}\n`);
    }
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    member = await ApiSession.login(director.managerUrl, "ann", password);
    stranger = await ApiSession.login(director.managerUrl, "eve", password);
    const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: "work" } });
    expect(created.status, created.text).toBe(201);
    expect((await admin.request("POST", "/api/sites/work/members", { json: { username: "ann" } })).status).toBe(201);
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const served = (sitePath: string) =>
    httpRequest({
      url: `${director.sitesUrl}${sitePath}`,
      host: `work.sites.localhost:${director.ports.sites}`,
    });
  const change = (who: ApiSession, sitePath: string, json: unknown) =>
    who.request("POST", `/api/sites/work/files/${sitePath}`, { json });
  const entries = async (folder: string) => {
    const answer = await member.request("GET", `/api/sites/work/files/${folder}`);
    expect(answer.status, answer.text).toBe(200);
    return Object.fromEntries(
      answer
        .json()
        .entries.map((entry: { name: string; type: string; mode: number }) => [
          entry.name,
          `${entry.type} ${entry.mode.toString(8)}`,
        ]),
    );
  };
  const put = async (sitePath: string, body: string) => {
    const answer = await member.request("PUT", `/api/sites/work/files/${sitePath}`, { body });
    expect(answer.status, answer.text).toBe(200);
  };

  it("makes folders, moves and renames, and the site serves the moved page", async () => {
    await put("drafts/page.html", "<h1>draft</h1>");
    expect(await change(member, "public/blog/2026", { action: "mkdir" })).toMatchObject({ status: 200 });
    const moved = await change(member, "drafts/page.html", { action: "move", to: "public/blog/2026/page.html" });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json()).toEqual({ path: "public/blog/2026/page.html" });
    expect(await served("/blog/2026/page.html")).toMatchObject({ status: 200, text: "<h1>draft</h1>" });
    expect((await change(member, "drafts", { action: "move", to: "public/drafts-old" })).status).toBe(200);
    expect(await entries("public")).toMatchObject({ blog: "directory 755", "drafts-old": "directory 755" });
  });

  it("saves over the version the editor opened only, and says FILE_CHANGED otherwise", async () => {
    const first = await member.request("PUT", "/api/sites/work/files/public/edit.html", { body: "<p>one</p>" });
    expect(first.status, first.text).toBe(200);
    const opened = first.json().modifiedAt as string;
    const saved = await member.request(
      "PUT",
      `/api/sites/work/files/public/edit.html?ifModifiedAt=${encodeURIComponent(opened)}`,
      { body: "<p>two</p>" },
    );
    expect(saved.status, saved.text).toBe(200);
    const stale = await member.request(
      "PUT",
      `/api/sites/work/files/public/edit.html?ifModifiedAt=${encodeURIComponent(opened)}`,
      { body: "<p>three</p>" },
    );
    expect(stale.status, stale.text).toBe(409);
    expect(stale.json().error.code).toBe("FILE_CHANGED");
    expect(await served("/edit.html")).toMatchObject({ status: 200, text: "<p>two</p>" });
  });

  it("changes modes: +x, -x and octal, never beyond 0777", async () => {
    await put("run.sh", "#!/bin/sh\necho hi\n");
    expect((await change(member, "run.sh", { action: "chmod", mode: "+x" })).json()).toEqual({
      path: "run.sh",
      mode: 0o755,
    });
    expect((await change(member, "run.sh", { action: "chmod", mode: "4777" })).json()).toMatchObject({ mode: 0o777 });
    expect((await change(member, "run.sh", { action: "chmod", mode: "-x" })).json()).toMatchObject({ mode: 0o666 });
    expect(await entries("")).toMatchObject({ "run.sh": "file 666" });
  });

  it("removes a folder with everything in it only when asked to", async () => {
    await put("old/a/b.txt", "b");
    await put("old/c.txt", "c");
    const refused = await member.request("DELETE", "/api/sites/work/files/old");
    expect(refused.status).toBe(409);
    expect(refused.json().error.code).toBe("PATH_IS_DIRECTORY");
    const removed = await member.request("DELETE", "/api/sites/work/files/old?recursive=true");
    expect(removed.status, removed.text).toBe(204);
    expect(await entries("")).not.toHaveProperty("old");
  });

  it("downloads a folder and the whole site as zips", async () => {
    await put("public/index.html", "<h1>work</h1>");
    const folder = await member.request("GET", "/api/sites/work/zip/public/blog");
    expect(folder.status, folder.text).toBe(200);
    expect(folder.headers["content-type"]).toBe("application/zip");
    expect(folder.headers["content-disposition"]).toBe('attachment; filename="work-public-blog.zip"');
    expect(await zipEntries(folder.body)).toEqual({ "2026/": "", "2026/page.html": "<h1>draft</h1>" });
    const whole = await member.request("GET", "/api/sites/work/zip");
    expect(whole.status).toBe(200);
    const site = await zipEntries(whole.body);
    expect(site).toMatchObject({ "public/index.html": "<h1>work</h1>", "run.sh": "#!/bin/sh\necho hi\n" });
  });

  it("refuses bad changes with a clear 4xx that names the problem, changing nothing", async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ["public/index.html", { action: "move", to: "../escape.html" }, 400, "PATH_ESCAPES_SITE"],
      ["public/index.html", { action: "move", to: "/etc/passwd" }, 400, "PATH_ESCAPES_SITE"],
      ["public/index.html", { action: "move", to: "run.sh" }, 409, "PATH_EXISTS"],
      ["public", { action: "move", to: "public/inside" }, 400, "PATH_INVALID"],
      ["missing.txt", { action: "move", to: "other.txt" }, 404, "PATH_NOT_FOUND"],
      ["run.sh", { action: "chmod", mode: "999" }, 400, "VALIDATION_FAILED"],
      ["run.sh", { action: "chmod", mode: "u+s" }, 400, "VALIDATION_FAILED"],
      ["run.sh", { action: "delete" }, 400, "VALIDATION_FAILED"],
      ["run.sh", { action: "move" }, 400, "VALIDATION_FAILED"],
    ];
    for (const [sitePath, body, status, code] of cases) {
      const answer = await change(member, sitePath, body);
      expect({ body, status: answer.status, code: answer.json().error?.code }).toEqual({ body, status, code });
    }
    expect(await served("/index.html")).toMatchObject({ status: 200, text: "<h1>work</h1>" });
  });

  it("refuses people who are not members (as if the site did not exist) and records members' changes", async () => {
    for (const answer of [
      await change(stranger, "run.sh", { action: "chmod", mode: "777" }),
      await stranger.request("DELETE", "/api/sites/work/files/public?recursive=true"),
      await stranger.request("GET", "/api/sites/work/zip"),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.json().error.code).toBe("SITE_NOT_FOUND");
    }
    expect(await served("/index.html")).toMatchObject({ status: 200 });
    const audit = await admin.request("GET", "/api/admin/audit?limit=100");
    const actions = audit.json().events.map((event: { action: string }) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(["file.mkdir", "file.move", "file.chmod", "file.remove", "file.zip"]),
    );
  });
});
