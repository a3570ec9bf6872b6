/** The port every feature sends email through (requests and approvals, mass email); adapters in ../../adapters. */

/** One plain-text message; `to` holds one or more addresses. */
export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
}

/** Sends email. A failure throws (MAIL_FAILED); callers decide whether the action around it still counts. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
