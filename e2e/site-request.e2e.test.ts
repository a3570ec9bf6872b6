/**
 * The activity site request flow against a real `director up`: accounts made with `director admin create-user`
 * (with their roles), a student's request, the sponsor's and an administrator's approvals, and the site Director
 * then creates with both of them as members. No SMTP server is configured, so each email goes to the log.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

describe("director up: a student's request for a club site", () => {
  let director: DirectorProcess;
  const sessions: Record<string, ApiSession> = {};

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    for (const [username, flags, expected] of [
      ["admin", ["--superuser"], "Created administrator admin"],
      ["sam", ["--role", "student", "--email", "sam@school.test"], "Created student sam"],
      ["tina", ["--role", "teacher", "--email", "tina@school.test"], "Created teacher tina"],
    ] as const) {
      const created = await director.run(["admin", "create-user", "--username", username, ...flags], `${password}\n`);
      expect(created.stdout + created.stderr).toContain(expected);
      sessions[username] = await ApiSession.login(director.managerUrl, username, password);
    }
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const as = (username: string) => {
    const session = sessions[username];
    if (!session) throw new Error(`no session for ${username}`);
    return session;
  };

  it("refuses an unknown role on the command line", async () => {
    const refused = await director.run(
      ["admin", "create-user", "--username", "x", "--role", "wizard"],
      `${password}\n`,
    );
    expect(refused.code).not.toBe(0);
  });

  it("runs request → teacher approval → admin approval → a ready site with both members", async () => {
    const made = await as("sam").request("POST", "/api/site-requests", {
      json: { activity: "Chess Club", siteName: "chess", sponsor: "tina", details: "Tuesdays", agreement: true },
    });
    expect(made.status, made.text).toBe(201);
    const id: number = made.json().id;

    const sponsored = await as("tina").request("GET", "/api/site-requests");
    expect(sponsored.json().requests).toEqual([expect.objectContaining({ id, status: "awaiting_teacher" })]);
    const byTeacher = await as("tina").request("POST", `/api/site-requests/${id}/teacher-decision`, {
      json: { approve: true, comment: "I sponsor it." },
    });
    expect(byTeacher.status, byTeacher.text).toBe(200);

    const byAdmin = await as("admin").request("POST", `/api/site-requests/${id}/admin-decision?wait=true`, {
      json: { approve: true, publicComment: "Have fun", privateComment: "ok with the office" },
    });
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.json().operation).toMatchObject({ kind: "create_site", status: "succeeded" });

    const site = await as("admin").request("GET", "/api/sites/chess");
    expect(site.json()).toMatchObject({ purpose: "activity", isReady: true, members: ["sam", "tina"] });
    expect((await as("sam").request("GET", "/api/sites/chess")).status).toBe(200);
    expect((await as("tina").request("GET", "/api/sites/chess")).status).toBe(200);

    const status = (await as("sam").request("GET", `/api/site-requests/${id}`)).json();
    expect(status).toMatchObject({ status: "approved", site: "chess", adminPublicComment: "Have fun" });
    expect(status).not.toHaveProperty("adminPrivateComment");

    // without SMTP, every step's email is in the log: to the teacher, the student, the administrators
    expect(director.output).toContain("A site request needs your approval: Chess Club");
    expect(director.output).toContain("Your site chess is being created");
  });
});
