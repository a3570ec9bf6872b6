/** Messages of the mail outbox. */

/** A message to send; the shape of the manager's MailMessage, so its builders' output is enqueued as it is. */
export interface NewOutboxMail {
  to: readonly string[];
  subject: string;
  text: string;
}

/** A message in the mail outbox and where its delivery stands. */
export interface OutboxMail extends NewOutboxMail {
  id: number;
  to: string[];
  createdAt: Date;
  /** tries so far, the one that succeeded included */
  attempts: number;
  /** when a dispatcher may take it next (pushed forward by a dispatcher's lease while it sends) */
  nextAttemptAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  /** set when the retries ran out; the message is not tried again */
  gaveUpAt: Date | null;
}
