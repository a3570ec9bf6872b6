/**
 * MailDispatcher on a real PostgreSQL outbox, sending with the real SmtpMailer to a real SMTP server (smtp-server,
 * started here as the sink), which a test can leave down. The dispatcher's clock is the test's, so retries come when
 * the test moves it rather than after real waits.
 */
import { MailOutboxRepository } from "@director/db/mail-outbox.repository";
import { freePort } from "@director/testing/free-port";
import { createServerTestDatabase, type ServerTestDatabase, truncateAllTables } from "@director/testing/test-databases";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SmtpMailer } from "../../adapters/smtp-mailer.js";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import { MailDispatcher, type MailDispatcherOptions } from "./mail-dispatcher.js";
import { maxMailAttempts } from "./mail-retry.js";
import type { Mailer } from "./mailer.js";

interface ReceivedMail {
  to: string[];
  body: string;
}

/** An SMTP server on 127.0.0.1:`port` that keeps what it receives. */
async function startSmtpSink(port: number, received: ReceivedMail[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let body = "";
      stream.on("data", (chunk: Buffer) => (body += chunk.toString()));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

/** A mailer whose send fails with a plain Error: stands in for a bug, which the real SmtpMailer cannot be made to have. */
class FakeBuggyMailer implements Mailer {
  async send(): Promise<void> {
    throw new TypeError("Cannot read properties of undefined (reading 'address')");
  }
}

const options: MailDispatcherOptions = { pollIntervalMs: 60_000, leaseMs: 60_000, batchSize: 10 };
const message = { to: ["sam@school.test", "tina@school.test"], subject: "Your site is ready", text: "Hello.\n" };

describe("MailDispatcher", () => {
  let database: ServerTestDatabase;
  let outbox: MailOutboxRepository;
  let port: number;
  let mailer: SmtpMailer;
  let sink: SMTPServer | undefined;
  let received: ReceivedMail[];
  let logLines: Array<{ level: number; msg: string; subject?: string; to?: string[] }>;
  let clock: Date;

  const dispatcher = (overrides: { mailer?: Mailer; wakeup?: InProcessWakeup } = {}) =>
    new MailDispatcher({
      outbox,
      mailer: overrides.mailer ?? mailer,
      wakeup: overrides.wakeup ?? new InProcessWakeup(),
      log: pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) }),
      options,
      now: () => clock,
    });
  const row = (id: number) => outbox.findById(id);

  beforeAll(async () => {
    database = await createServerTestDatabase();
    outbox = new MailOutboxRepository(database.db);
  });
  beforeEach(async () => {
    await truncateAllTables(database.db);
    received = [];
    logLines = [];
    port = await freePort();
    mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: "Director <director@school.test>" });
  });
  afterEach(async () => {
    mailer.close();
    await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
    sink = undefined;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("delivers a message as soon as it is woken, marks it sent, and stops without waiting for its poll", async () => {
    sink = await startSmtpSink(port, received);
    clock = new Date(Date.now() + 60_000);
    const wakeup = new InProcessWakeup();
    const running = dispatcher({ wakeup });
    running.start();
    await new Promise((resolve) => setTimeout(resolve, 200)); // its first pass found nothing; it now waits 60 s
    const queued = await outbox.enqueue(message);
    wakeup.notify();
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 5_000 });
    expect(received[0]?.to).toEqual(message.to);
    expect(received[0]?.body).toContain("Subject: Your site is ready");
    await vi.waitFor(async () => expect((await row(queued.id))?.sentAt).toBeInstanceOf(Date));
    expect(await row(queued.id)).toMatchObject({ attempts: 1, lastError: null, gaveUpAt: null });

    const stopping = Date.now();
    await running.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
  });

  it("keeps a message while the mail server is down and delivers it once, when its retry is due", async () => {
    const queued = await outbox.enqueue(message);
    const failedAt = new Date(Date.now() + 1_000);
    clock = failedAt;
    const sender = dispatcher();
    expect(await sender.dispatchDue()).toBe(1);
    const failed = await row(queued.id);
    expect(failed).toMatchObject({ attempts: 1, sentAt: null, gaveUpAt: null });
    expect(failed?.lastError).toContain("MAIL_FAILED");
    expect(failed?.nextAttemptAt).toEqual(new Date(failedAt.getTime() + 30_000));

    sink = await startSmtpSink(port, received);
    clock = new Date(failedAt.getTime() + 29_000);
    expect(await sender.dispatchDue()).toBe(0);
    expect(received).toEqual([]);
    clock = new Date(failedAt.getTime() + 30_000);
    expect(await sender.dispatchDue()).toBe(1);
    expect(received).toHaveLength(1);
    clock = new Date(failedAt.getTime() + 24 * 3_600_000);
    expect(await sender.dispatchDue()).toBe(0);
    expect(received).toHaveLength(1);
    expect(await row(queued.id)).toMatchObject({ attempts: 2, lastError: null });
    expect((await row(queued.id))?.sentAt).toBeInstanceOf(Date);
    expect(logLines.filter((line) => line.level === 40)).toHaveLength(1); // the failure, as a warning
  });

  it("gives up after the last failed try and logs it as an error with the subject and recipients", async () => {
    const queued = await outbox.enqueue(message);
    clock = new Date(Date.now() + 1_000);
    const sender = dispatcher();
    for (let attempt = 1; attempt <= maxMailAttempts; attempt++) {
      expect(await sender.dispatchDue()).toBe(1);
      const current = await row(queued.id);
      expect(current?.attempts).toBe(attempt);
      clock = current?.nextAttemptAt ?? clock;
    }
    const abandoned = await row(queued.id);
    expect(abandoned?.gaveUpAt).toBeInstanceOf(Date);
    expect(abandoned?.sentAt).toBeNull();
    expect(await sender.dispatchDue()).toBe(0);
    clock = new Date(clock.getTime() + 7 * 24 * 3_600_000);
    expect(await sender.dispatchDue()).toBe(0);

    expect(logLines.filter((line) => line.level === 40)).toHaveLength(maxMailAttempts - 1);
    const errors = logLines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ subject: message.subject, to: message.to });
    expect(errors[0]?.msg).toContain(`given up after ${maxMailAttempts} attempts`);
  });

  it("retries a message that failed for an unexpected reason, reporting it as an error", async () => {
    const queued = await outbox.enqueue(message);
    clock = new Date(Date.now() + 1_000);
    expect(await dispatcher({ mailer: new FakeBuggyMailer() }).dispatchDue()).toBe(1);
    const failed = await row(queued.id);
    expect(failed).toMatchObject({ attempts: 1, sentAt: null, gaveUpAt: null });
    expect(failed?.lastError).toContain("reading 'address'");
    expect(failed?.nextAttemptAt).toEqual(new Date(clock.getTime() + 30_000));
    expect(logLines.map((line) => [line.level, line.msg])).toEqual([
      [50, "mail failed unexpectedly; it will be tried again"],
    ]);
  });

  it("sends each message once when two dispatchers run at the same time", async () => {
    sink = await startSmtpSink(port, received);
    const subjects = ["one", "two", "three", "four", "five", "six"];
    for (const subject of subjects) await outbox.enqueue({ ...message, to: [`${subject}@school.test`], subject });
    clock = new Date(Date.now() + 1_000);
    const [first, second] = await Promise.all([dispatcher().dispatchDue(), dispatcher().dispatchDue()]);
    expect(first + second).toBe(subjects.length);
    expect(received.map((mail) => mail.to[0]).sort()).toEqual(
      subjects.map((subject) => `${subject}@school.test`).sort(),
    );
  });
});
