/**
 * The site request flow through the HTTP edge, against a real PostgreSQL and a real SMTP server (smtp-server,
 * started here as the sink): each step's state, who may take it, and its email, which the step writes to the mail
 * outbox and the real MailDispatcher delivers with the real SmtpMailer.
 */
import type { AddressInfo } from "node:net";
import { MailOutboxRepository } from "@director/db/mail-outbox.repository";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SmtpMailer } from "../../adapters/smtp-mailer.js";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";
import { MailDispatcher } from "../mail/mail-dispatcher.js";
import type { Mailer, MailMessage } from "../mail/mailer.js";

interface ReceivedMail {
  to: string[];
  subject: string;
  body: string;
}

/** Delivers through SMTP while `isBroken` is false; fails like an unreachable server otherwise. */
class SwitchableMailer implements Mailer {
  isBroken = false;
  constructor(
    readonly working: SmtpMailer,
    readonly broken: SmtpMailer,
  ) {}
  send(message: MailMessage): Promise<void> {
    return (this.isBroken ? this.broken : this.working).send(message);
  }
}

describe("site requests", () => {
  let smtp: SMTPServer;
  let received: ReceivedMail[] = [];
  let mailer: SwitchableMailer;
  let t: ManagerTestApp;
  let dispatcher: MailDispatcher;
  const mailWakeup = new InProcessWakeup();
  /** how far the dispatcher's clock is ahead of the real one: a test moves it to reach a retry */
  let clockOffsetMs = 0;
  /** Sends what the outbox holds that is due, as the worker's dispatcher would on its next pass. */
  const deliverMail = () => dispatcher.dispatchDue();
  const outboxRows = () =>
    t.database.db.selectFrom("mail_outbox").select(["id", "subject", "attempts"]).orderBy("id").execute();

  const validRequest = (siteName: string) => ({
    activity: "Chess Club",
    siteName,
    sponsor: "tina",
    details: "We play on Tuesdays.",
    agreement: true,
  });
  const mailTo = (address: string) => received.filter((mail) => mail.to.includes(address));

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        let body = "";
        stream.on("data", (chunk: Buffer) => (body += chunk.toString()));
        stream.on("end", () => {
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: /^Subject: (.*)$/m.exec(body)?.[1] ?? "",
            body,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    mailer = new SwitchableMailer(
      new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: "Director <director@school.test>" }),
      new SmtpMailer({ url: "smtp://127.0.0.1:1", from: "director@school.test" }),
    );
    t = await startManagerTestApp({ mailWakeup });
    dispatcher = new MailDispatcher({
      outbox: new MailOutboxRepository(t.database.db),
      mailer,
      wakeup: mailWakeup,
      log: pino({ level: "silent" }),
      options: { pollIntervalMs: 60_000, leaseMs: 60_000, batchSize: 50 },
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    await t.addUser("admin", { isSuperuser: true });
    await t.addUser("ada", { isSuperuser: true, email: "ada@school.test" });
    await t.addUser("sam", { role: "student" });
    await t.addUser("stu", { role: "student" });
    await t.addUser("tina", { role: "teacher" });
    await t.addUser("tom", { role: "teacher" });
  });

  afterAll(async () => {
    mailer?.working.close();
    mailer?.broken.close();
    await t?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  beforeEach(() => {
    received = [];
    mailer.isBroken = false;
    clockOffsetMs = 0;
  });

  it("runs the whole flow: request → teacher approves → admin approves → the site exists with both members", async () => {
    let wakeups = 0;
    const stopCounting = mailWakeup.subscribe(() => wakeups++);
    const made = await t.call("sam", "POST", "/api/site-requests", validRequest("chess"));
    stopCounting();
    expect(made.statusCode, made.body).toBe(201);
    expect(wakeups).toBe(1); // a running dispatcher would look at the outbox now rather than at its next poll
    expect(received).toEqual([]); // written to the outbox, not sent by the request
    expect(await deliverMail()).toBe(1);
    const id: number = made.json().id;
    expect(made.json()).toMatchObject({ status: "awaiting_teacher", siteName: "chess", sponsor: { username: "tina" } });
    expect(made.json()).not.toHaveProperty("adminPrivateComment");
    expect(mailTo("tina@school.test").map((mail) => mail.subject)).toEqual([
      "A site request needs your approval: Chess Club",
    ]);

    // the sponsor sees it; another teacher does not
    expect(
      (await t.call("tina", "GET", "/api/site-requests")).json().requests.map((r: { id: number }) => r.id),
    ).toEqual([id]);
    expect((await t.call("tom", "GET", "/api/site-requests")).json()).toMatchObject({ requests: [], total: 0 });
    expect((await t.call("tom", "GET", `/api/site-requests/${id}`)).statusCode).toBe(404);

    received = [];
    const byTeacher = await t.call("tina", "POST", `/api/site-requests/${id}/teacher-decision`, {
      approve: true,
      comment: "I will supervise.",
    });
    expect(byTeacher.statusCode, byTeacher.body).toBe(200);
    expect(await deliverMail()).toBe(2);
    expect(byTeacher.json()).toMatchObject({ status: "awaiting_admin", teacherComment: "I will supervise." });
    expect(mailTo("sam@school.test")).toHaveLength(1);
    expect(mailTo("ada@school.test")[0]?.subject).toBe("A site request waits for an administrator: Chess Club");
    expect(mailTo("admin@school.test")).toHaveLength(1);

    received = [];
    const byAdmin = await t.call("admin", "POST", `/api/site-requests/${id}/admin-decision`, {
      approve: true,
      publicComment: "Welcome!",
      privateComment: "checked with the activities office",
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(await deliverMail()).toBe(1);
    expect(byAdmin.json().request).toMatchObject({
      status: "approved",
      site: "chess",
      adminPublicComment: "Welcome!",
      adminPrivateComment: "checked with the activities office",
    });
    expect(byAdmin.json().operation).toMatchObject({ kind: "create_site", siteName: "chess", status: "pending" });
    const [toBoth] = received;
    expect(toBoth?.to.sort()).toEqual(["sam@school.test", "tina@school.test"]);
    expect(toBoth?.body).toContain("Welcome!");
    expect(toBoth?.body).not.toContain("activities office");

    const site = await t.call("admin", "GET", "/api/sites/chess");
    expect(site.json()).toMatchObject({
      purpose: "activity",
      members: ["sam", "tina"],
      url: "https://activities.school.test/chess/",
    });
    // the student sees the status and the public comment only
    const seenByStudent = (await t.call("sam", "GET", `/api/site-requests/${id}`)).json();
    expect(seenByStudent).toMatchObject({ status: "approved", adminPublicComment: "Welcome!", site: "chess" });
    expect(seenByStudent).not.toHaveProperty("adminPrivateComment");
    expect((await t.call("tina", "GET", "/api/sites/chess")).statusCode).toBe(200);
  });

  it("ends a request the teacher rejects; no one can decide it again", async () => {
    const id: number = (await t.call("stu", "POST", "/api/site-requests", validRequest("robotics"))).json().id;
    await deliverMail();
    received = [];
    const rejected = await t.call("tina", "POST", `/api/site-requests/${id}/teacher-decision`, { approve: false });
    expect(rejected.json().status).toBe("rejected_by_teacher");
    await deliverMail();
    expect(mailTo("stu@school.test").map((mail) => mail.subject)).toContain(
      "Your site request was rejected by your sponsor",
    );
    expect(mailTo("ada@school.test")).toEqual([]);
    for (const [who, path] of [
      ["tina", "teacher-decision"],
      ["admin", "admin-decision"],
    ] as const) {
      const again = await t.call(who, "POST", `/api/site-requests/${id}/${path}`, { approve: true });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe("REQUEST_STATE_INVALID");
    }
  });

  it("rejects by an administrator without creating a site", async () => {
    const id: number = (await t.call("stu", "POST", "/api/site-requests", validRequest("drama"))).json().id;
    await t.call("tina", "POST", `/api/site-requests/${id}/teacher-decision`, { approve: true });
    await deliverMail();
    received = [];
    const rejected = await t.call("admin", "POST", `/api/site-requests/${id}/admin-decision`, {
      approve: false,
      publicComment: "Use the school's drama page.",
    });
    await deliverMail();
    expect(rejected.json()).toMatchObject({ request: { status: "rejected_by_admin", site: null }, operation: null });
    expect((await t.call("admin", "GET", "/api/sites/drama")).statusCode).toBe(404);
    expect(received[0]?.to.sort()).toEqual(["stu@school.test", "tina@school.test"]);
  });

  it("keeps a decision when its email cannot be sent, and sends the email once the mail server answers", async () => {
    const id: number = (await t.call("stu", "POST", "/api/site-requests", validRequest("debate"))).json().id;
    await deliverMail();
    received = [];
    mailer.isBroken = true;
    const decided = await t.call("tina", "POST", `/api/site-requests/${id}/teacher-decision`, { approve: true });
    expect(decided.statusCode, decided.body).toBe(200);
    const approved = await t.call("admin", "POST", `/api/site-requests/${id}/admin-decision`, { approve: true });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await deliverMail()).toBe(3);
    expect((await t.call("stu", "GET", `/api/site-requests/${id}`)).json().status).toBe("approved");
    expect((await t.call("stu", "GET", "/api/sites/debate")).statusCode).toBe(200);
    expect(received).toEqual([]);
    const failed = await t.database.db
      .selectFrom("mail_outbox")
      .select(["attempts", "last_error"])
      .where("sent_at", "is", null)
      .execute();
    expect(failed).toHaveLength(3);
    expect(failed.every((row) => row.attempts === 1 && row.last_error?.includes("MAIL_FAILED"))).toBe(true);

    // the server answers again; the retry comes 30 s after the failure
    mailer.isBroken = false;
    expect(await deliverMail()).toBe(0);
    clockOffsetMs = 31_000;
    expect(await deliverMail()).toBe(3);
    expect(received.map((mail) => mail.subject).sort()).toEqual([
      "A site request waits for an administrator: Chess Club",
      "Your site debate is being created",
      "Your site request was approved by your sponsor",
    ]);
    expect(mailTo("stu@school.test")).toHaveLength(2);
  });

  it("leaves the request open and stores and mails nothing when the name was taken before the approval", async () => {
    const id: number = (await t.call("stu", "POST", "/api/site-requests", validRequest("band"))).json().id;
    await t.call("tina", "POST", `/api/site-requests/${id}/teacher-decision`, { approve: true });
    await t.call("admin", "POST", "/api/sites", { name: "band", purpose: "project" });
    await deliverMail();
    received = [];
    const operationsBefore = await t.database.db.selectFrom("operations").select("id").execute();
    const outboxBefore = await outboxRows();
    const approved = await t.call("admin", "POST", `/api/site-requests/${id}/admin-decision`, { approve: true });
    expect(approved.statusCode).toBe(409);
    expect(approved.json().error).toMatchObject({
      code: "SITE_NAME_TAKEN",
      details: { fields: { siteName: expect.any(String) } },
    });
    expect((await t.call("stu", "GET", `/api/site-requests/${id}`)).json().status).toBe("awaiting_admin");
    expect(await t.database.db.selectFrom("operations").select("id").execute()).toEqual(operationsBefore);
    // the approval's email was written in the transaction that rolled back: nothing to send
    expect(await outboxRows()).toEqual(outboxBefore);
    expect(await deliverMail()).toBe(0);
    expect(received).toEqual([]);
  });

  it.each<[string, string, object, number, string, string | null]>([
    [
      "a sponsor who is a student",
      "sam",
      { ...validRequest("x-club"), sponsor: "stu" },
      422,
      "SPONSOR_NOT_A_TEACHER",
      "sponsor",
    ],
    [
      "an unknown sponsor",
      "sam",
      { ...validRequest("x-club"), sponsor: "nobody" },
      422,
      "SPONSOR_NOT_A_TEACHER",
      "sponsor",
    ],
    ["no agreement", "sam", { ...validRequest("x-club"), agreement: false }, 400, "VALIDATION_FAILED", "agreement"],
    ["an empty activity", "sam", { ...validRequest("x-club"), activity: " " }, 400, "VALIDATION_FAILED", "activity"],
    ["a bad site name", "sam", validRequest("Bad_Name"), 400, "SITE_NAME_INVALID", "siteName"],
    ["a reserved site name", "sam", validRequest("admin"), 409, "SITE_NAME_RESERVED", "siteName"],
    ["a taken site name", "sam", validRequest("chess"), 409, "SITE_NAME_TAKEN", "siteName"],
    ["a teacher asking", "tom", validRequest("x-club"), 403, "FORBIDDEN", null],
    ["an administrator asking", "admin", validRequest("x-club"), 403, "FORBIDDEN", null],
  ])("refuses a request with %s, storing nothing", async (_label, who, body, status, code, field) => {
    const before = await t.database.db.selectFrom("site_requests").select("id").execute();
    const outboxBefore = await outboxRows();
    const answer = await t.call(who, "POST", "/api/site-requests", body);
    expect(answer.statusCode, answer.body).toBe(status);
    expect(answer.json().error.code).toBe(code);
    if (field) expect(answer.json().error.details.fields).toHaveProperty(field);
    expect(await t.database.db.selectFrom("site_requests").select("id").execute()).toEqual(before);
    expect(await outboxRows()).toEqual(outboxBefore);
  });

  it("refuses a second open request for the same site name", async () => {
    expect((await t.call("sam", "POST", "/api/site-requests", validRequest("art"))).statusCode).toBe(201);
    const second = await t.call("stu", "POST", "/api/site-requests", validRequest("art"));
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe("SITE_NAME_TAKEN");
  });

  it("lists every request for administrators, with the total", async () => {
    const all = (await t.call("ada", "GET", "/api/site-requests?limit=2")).json();
    const total = await t.database.db.selectFrom("site_requests").select("id").execute();
    expect(all.total).toBe(total.length);
    expect(all.requests).toHaveLength(2);
    expect(all.requests[0].id).toBeGreaterThan(all.requests[1].id);
  });
});
