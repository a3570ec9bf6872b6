/**
 * Mass email through the HTTP edge to a real SMTP server (smtp-server as the sink), on a real PostgreSQL; and the
 * audit log that records it.
 */
import type { AddressInfo } from "node:net";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SmtpMailer } from "../../adapters/smtp-mailer.js";
import { buildTestManagerApp } from "../../testing/test-app.js";

const password = "a password long enough";

describe("mass email and the audit log", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let smtp: SMTPServer;
  let mailer: SmtpMailer;
  const received: Array<{ to: string[]; body: string }> = [];
  /** addresses the sink refuses, as a broken mailbox would */
  const refused = new Set<string>();
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onRcptTo(address, _session, callback) {
        callback(refused.has(address.address) ? new Error("mailbox unavailable") : undefined);
      },
      onData(stream, session, callback) {
        let body = "";
        stream.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), body });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    mailer = new SmtpMailer({
      url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      from: "Director <director@school.test>",
    });
    database = await createServerTestDatabase();
    const built = await buildTestManagerApp(database, { mailer });
    app = built.app;
    const { auth } = built.services;
    for (const [username, email, isSuperuser] of [
      ["admin", "admin@school.test", true],
      ["ann", "ann@school.test", false],
      ["ben", "ben@school.test", false],
      ["noemail", "", false],
      ["gone", "gone@school.test", false],
    ] as const) {
      await auth.createUser({ username, password, isSuperuser, email });
      tokens[username] = (await auth.login(username, password)).token;
    }
    await auth.createUser({
      username: "robot",
      password,
      isSuperuser: false,
      email: "robot@school.test",
      role: "service",
    });
    await database.db.updateTable("users").set({ is_active: false }).where("username", "=", "gone").execute();
  });

  afterAll(async () => {
    mailer?.close();
    await app?.close();
    await database?.drop();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
    refused.clear();
  });

  const call = (who: string, method: "GET" | "POST", url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(payload === undefined ? {} : { payload }),
    });

  it("asks for confirmation with the recipient count, then sends one message per active person with an address", async () => {
    const message = { subject: "Maintenance tonight", text: "Sites are down 22:00-23:00.\n", to: "all" };
    const unconfirmed = await call("admin", "POST", "/api/admin/mail", message);
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().error).toMatchObject({ code: "CONFIRMATION_REQUIRED", details: { recipientCount: 3 } });
    expect(received).toEqual([]);

    const sent = await call("admin", "POST", "/api/admin/mail", { ...message, confirm: true });
    expect(sent.json()).toEqual({ recipientCount: 3, sentCount: 3, failed: [] });
    // one message each: nobody sees the others' addresses; the disabled, the address-less and the service account get none
    expect(received.map((mail) => mail.to).sort()).toEqual([
      ["admin@school.test"],
      ["ann@school.test"],
      ["ben@school.test"],
    ]);
    expect(received[0]?.body).toContain("Subject: Maintenance tonight");
    expect(received[0]?.body).toContain("Sites are down 22:00-23:00.");
  });

  it("sends to a selection, reports refused addresses, and names unknown usernames without sending", async () => {
    refused.add("ben@school.test");
    const sent = await call("admin", "POST", "/api/admin/mail", {
      subject: "Your sites",
      text: "Hello",
      to: ["Ann", "ben", "ann"],
      confirm: true,
    });
    expect(sent.json()).toEqual({ recipientCount: 2, sentCount: 1, failed: ["ben"] });
    expect(received.map((mail) => mail.to)).toEqual([["ann@school.test"]]);

    received.length = 0;
    const unknown = await call("admin", "POST", "/api/admin/mail", {
      subject: "x",
      text: "y",
      to: ["ann", "nosuchuser"],
      confirm: true,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: "USER_NOT_FOUND", details: { unknown: ["nosuchuser"] } });
    expect(received).toEqual([]);
  });

  it("refuses bad input and non-administrators, sending nothing", async () => {
    const cases: Array<[string, object, number, string]> = [
      ["admin", { subject: "", text: "y", to: "all", confirm: true }, 400, "VALIDATION_FAILED"],
      ["admin", { subject: "a\nBcc: x@evil.test", text: "y", to: "all", confirm: true }, 400, "VALIDATION_FAILED"],
      ["admin", { subject: "x", text: "y", to: [], confirm: true }, 400, "VALIDATION_FAILED"],
      ["admin", { subject: "x", text: "y", to: "everyone", confirm: true }, 400, "VALIDATION_FAILED"],
      ["ann", { subject: "x", text: "y", to: "all", confirm: true }, 403, "FORBIDDEN"],
    ];
    for (const [who, payload, status, code] of cases) {
      const answer = await call(who, "POST", "/api/admin/mail", payload);
      expect([answer.statusCode, answer.json().error.code]).toEqual([status, code]);
    }
    expect(received).toEqual([]);
  });

  it("shows administrators the audit log newest first, filtered and paged", async () => {
    const all = (await call("admin", "GET", "/api/admin/audit?limit=200")).json();
    const mail = all.events.find((event: { action: string }) => event.action === "mail.send");
    expect(mail).toMatchObject({
      actor: "admin",
      target: "users:selection",
      details: { sentCount: 1, failed: ["ben"] },
    });
    const ids = all.events.map((event: { id: string }) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.nextBefore).toBeNull();

    const logins = (await call("admin", "GET", "/api/admin/audit?action=auth.login&actor=ann")).json();
    expect(logins.events.map((event: { actor: string; target: string }) => [event.actor, event.target])).toEqual([
      ["ann", "user:ann"],
    ]);
    const userEvents = (await call("admin", "GET", "/api/admin/audit?action=user.")).json();
    expect(userEvents.events.length).toBeGreaterThan(0);
    expect(userEvents.events.every((event: { action: string }) => event.action.startsWith("user."))).toBe(true);

    const first = (await call("admin", "GET", "/api/admin/audit?limit=2")).json();
    expect(first.events).toHaveLength(2);
    const second = (await call("admin", "GET", `/api/admin/audit?limit=2&before=${first.nextBefore}`)).json();
    expect(second.events[0].id).toBe(all.events[2].id);
    expect((await call("admin", "GET", "/api/admin/audit?site=nosuchsite")).json()).toEqual({
      events: [],
      nextBefore: null,
    });
    for (const bad of ["limit=0", "limit=1000", "before=abc", "action=DROP%20TABLE"]) {
      const answer = await call("admin", "GET", `/api/admin/audit?${bad}`);
      expect([bad, answer.statusCode, answer.json().error.code]).toEqual([bad, 400, "VALIDATION_FAILED"]);
    }
    expect((await call("ann", "GET", "/api/admin/audit")).statusCode).toBe(403);
  });
});
