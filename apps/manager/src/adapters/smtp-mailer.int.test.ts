/** SmtpMailer against a real SMTP server (smtp-server, started by the test as the sink). */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SmtpMailer } from "./smtp-mailer.js";

const received: Array<{ from: string; to: string[]; body: string }> = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let body = "";
      stream.on("data", (chunk: Buffer) => (body += chunk.toString()));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          body,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("SmtpMailer", () => {
  it("delivers a plain-text message to every recipient", async () => {
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: "Director <director@school.test>" });
    await mailer.send({ to: ["a@school.test", "b@school.test"], subject: "Your site", text: "It is ready.\n" });
    mailer.close();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: "director@school.test", to: ["a@school.test", "b@school.test"] });
    expect(received[0]?.body).toContain("Subject: Your site");
    expect(received[0]?.body).toContain("It is ready.");
  });

  it("says MAIL_FAILED when no server answers", async () => {
    const mailer = new SmtpMailer({ url: "smtp://127.0.0.1:1", from: "director@school.test" });
    await expect(mailer.send({ to: ["a@school.test"], subject: "x", text: "y" })).rejects.toMatchObject({
      code: "MAIL_FAILED",
    });
  });
});
