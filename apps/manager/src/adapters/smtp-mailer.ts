/** Mailer over SMTP with nodemailer (DIRECTOR_SMTP_URL), and the fallback that prints mail to the log. */
import { DirectorError } from "@director/domain/errors";
import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { Mailer, MailMessage } from "../features/mail/mailer.js";

/** Sends through one SMTP server, e.g. `smtp://mail.school.edu:587` or `smtps://user:pass@mail.school.edu`. */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(options: { url: string; from: string }) {
    this.#transport = nodemailer.createTransport(options.url);
    this.#from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    if (message.to.length === 0) return;
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
      });
    } catch (error) {
      throw new DirectorError("MAIL_FAILED", `The mail server refused or did not answer: ${String(error)}`, {
        cause: error,
      });
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/** Without an SMTP server (DIRECTOR_SMTP_URL unset, e.g. `director up`): each message is written to the log. */
export class LogMailer implements Mailer {
  readonly #log: Pick<Logger, "info">;

  constructor(log: Pick<Logger, "info">) {
    this.#log = log;
  }

  async send(message: MailMessage): Promise<void> {
    if (message.to.length === 0) return;
    this.#log.info(
      { mail: { to: message.to, subject: message.subject, text: message.text } },
      "mail (no SMTP configured)",
    );
  }
}
