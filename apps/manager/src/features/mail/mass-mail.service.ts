import type { MassMailRequest, MassMailResult } from "@director/contracts/manager-api";
import type { AuditRepository } from "@director/db/audit.repository";
import type { MailRecipient, UsersRepository } from "@director/db/users.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { Mailer } from "../mail/mailer.js";
import { canAdminister } from "../users/users.policy.js";

/** Messages in flight at once: quick on a local relay, gentle on a school's mail server. */
const sendConcurrency = 4;

export interface MassMailServiceDeps {
  users: Pick<UsersRepository, "listMailRecipients" | "existingUsernames">;
  mailer: Mailer;
  audit: Pick<AuditRepository, "record">;
}

/**
 * Email from administrators to every person, or to a selection. Each recipient gets a message of their own, so no
 * one sees the others' addresses. Without `confirm` nothing is sent: CONFIRMATION_REQUIRED says to how many people
 * it would go.
 */
export class MassMailService {
  readonly #deps: MassMailServiceDeps;

  constructor(deps: MassMailServiceDeps) {
    this.#deps = deps;
  }

  async send(actor: Actor, request: MassMailRequest): Promise<MassMailResult> {
    if (!canAdminister(actor, "send_mass_mail")) {
      throw new DirectorError("FORBIDDEN", "Only administrators send email to users.");
    }
    const recipients = await this.#recipients(request.to);
    if (!request.confirm) {
      throw new DirectorError(
        "CONFIRMATION_REQUIRED",
        `This sends the message to ${recipients.length} people; send it again with "confirm": true.`,
        { details: { recipientCount: recipients.length } },
      );
    }
    const failed: string[] = [];
    const queue = [...recipients];
    const sendNext = async (): Promise<void> => {
      for (let recipient = queue.shift(); recipient; recipient = queue.shift()) {
        try {
          await this.#deps.mailer.send({ to: [recipient.email], subject: request.subject, text: request.text });
        } catch (error) {
          // One refused address must not stop the others; the answer and the audit log list it.
          if (!(error instanceof DirectorError && error.code === "MAIL_FAILED")) throw error;
          failed.push(recipient.username);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(sendConcurrency, recipients.length) }, sendNext));
    const result = { recipientCount: recipients.length, sentCount: recipients.length - failed.length, failed };
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "mail.send",
      target: request.to === "all" ? "users:all" : "users:selection",
      details: { subject: request.subject, ...result, failed: failed.slice(0, 100) },
    });
    if (result.recipientCount > 0 && result.sentCount === 0) {
      throw new DirectorError("MAIL_FAILED", "The mail server refused every message; nothing was sent.", {
        details: { recipientCount: result.recipientCount },
      });
    }
    return result;
  }

  /** Who gets it; USER_NOT_FOUND (listing them) when a named username has no account. */
  async #recipients(to: MassMailRequest["to"]): Promise<MailRecipient[]> {
    if (to === "all") return this.#deps.users.listMailRecipients("all");
    const usernames = [...new Set(to.map((name) => name.trim().toLowerCase()))];
    const existing = await this.#deps.users.existingUsernames(usernames);
    const unknown = usernames.filter((name) => !existing.has(name));
    if (unknown.length > 0) {
      throw new DirectorError("USER_NOT_FOUND", `No account is called ${unknown.slice(0, 10).join(", ")}.`, {
        details: { field: "to", unknown: unknown.slice(0, 100) },
      });
    }
    return this.#deps.users.listMailRecipients(usernames);
  }
}
