import { setTimeout as sleep } from "node:timers/promises";
import type { MailOutboxRepository } from "@director/db/mail-outbox.repository";
import { isDirectorError } from "@director/domain/errors";
import type { OutboxMail } from "@director/domain/outbox-mail";
import type { Logger } from "pino";
import type { Wakeup } from "../../adapters/wakeup.js";
import { maxMailAttempts, nextMailAttemptAt } from "./mail-retry.js";
import type { Mailer } from "./mailer.js";

export interface MailDispatcherOptions {
  /** how often an idle dispatcher looks for mail it was not woken for (enqueued by another process, or retries) */
  pollIntervalMs: number;
  /** how long claimed messages are hidden from other dispatchers: longer than a send can take (see #isLeaseRunningOut) */
  leaseMs: number;
  /** messages claimed at once */
  batchSize: number;
}

/** What the worker role runs with. nodemailer gives up on a silent server after 2 min to connect, 10 min idle. */
export const defaultMailDispatcherOptions: MailDispatcherOptions = {
  pollIntervalMs: 5_000,
  leaseMs: 15 * 60_000,
  batchSize: 10,
};

type MailOutboxStore = Pick<MailOutboxRepository, "claimDue" | "markSent" | "markFailed">;

/**
 * Sends the mail outbox: claims due messages under a lease (so concurrent dispatchers never send one at the same
 * time), sends each through the Mailer and records the outcome. A failed send is tried again with backoff
 * (mail-retry.ts) and given up after the last try, which is logged as an error for an operator to see. Delivery is
 * at least once: a dispatcher that dies after a send but before recording it sends that message again later.
 */
export class MailDispatcher {
  readonly #outbox: MailOutboxStore;
  readonly #mailer: Mailer;
  readonly #wakeup: Wakeup;
  readonly #log: Pick<Logger, "info" | "warn" | "error">;
  readonly #options: MailDispatcherOptions;
  readonly #now: () => Date;
  #isRunning = false;
  #isStopping = false;
  /** a wake-up arrived while the loop was busy: look again before sleeping */
  #isWoken = false;
  #loop: Promise<void> | undefined;
  #interrupt = new AbortController();

  constructor(deps: {
    outbox: MailOutboxStore;
    mailer: Mailer;
    wakeup: Wakeup;
    log: Pick<Logger, "info" | "warn" | "error">;
    options: MailDispatcherOptions;
    /** the clock deciding what is due and when to retry; tests move it instead of sleeping */
    now?: () => Date;
  }) {
    this.#outbox = deps.outbox;
    this.#mailer = deps.mailer;
    this.#wakeup = deps.wakeup;
    this.#log = deps.log;
    this.#options = deps.options;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Starts the loop in the background: a pass at once, then one per wake-up or poll interval. */
  start(): void {
    if (this.#isRunning) return;
    this.#isRunning = true;
    this.#isStopping = false;
    this.#loop = this.#run();
  }

  /** Lets the current send finish and stops; messages claimed but not tried fall due again when their lease ends. */
  async stop(): Promise<void> {
    this.#isRunning = false;
    this.#isStopping = true;
    this.#interrupt.abort();
    await this.#loop;
  }

  /** One pass: claims up to a batch of due messages and tries each once; returns how many it claimed. */
  async dispatchDue(): Promise<number> {
    const claimedAt = this.#now();
    const claimed = await this.#outbox.claimDue({
      now: claimedAt,
      limit: this.#options.batchSize,
      leaseMs: this.#options.leaseMs,
    });
    for (const mail of claimed) {
      if (this.#isStopping || this.#isLeaseRunningOut(claimedAt)) break;
      try {
        await this.#deliver(mail);
      } catch (error) {
        // The send happened or failed, but the outbox could not record it: the lease brings the message back.
        this.#log.error({ err: error, mailId: mail.id }, "could not record a mail's delivery; it will be tried again");
      }
    }
    return claimed.length;
  }

  async #run(): Promise<void> {
    const unsubscribe = this.#wakeup.subscribe(() => this.#wake());
    try {
      while (this.#isRunning) {
        this.#isWoken = false;
        let claimed = 0;
        try {
          claimed = await this.dispatchDue();
        } catch (error) {
          this.#log.error({ err: error }, "could not read the mail outbox; retrying");
        }
        // A full batch means more may be due now; a wake-up during the pass means a new message is.
        if (claimed < this.#options.batchSize && !this.#isWoken) await this.#pause(this.#options.pollIntervalMs);
      }
    } finally {
      unsubscribe();
    }
  }

  #wake(): void {
    this.#isWoken = true;
    this.#interrupt.abort();
  }

  async #pause(ms: number): Promise<void> {
    if (this.#interrupt.signal.aborted) this.#interrupt = new AbortController();
    if (!this.#isRunning) return;
    try {
      // unref'd: an idle dispatcher never holds the process open
      await sleep(ms, undefined, { signal: this.#interrupt.signal, ref: false });
    } catch {
      // aborted by a wake-up or stop(): back to the loop, which checks #isRunning
    }
  }

  /**
   * Past half the lease, the rest of the batch is left for the lease to expire: another dispatcher may take those
   * messages while one of them would still be sending here, so they would be sent twice.
   */
  #isLeaseRunningOut(claimedAt: Date): boolean {
    return this.#now().getTime() - claimedAt.getTime() > this.#options.leaseMs / 2;
  }

  async #deliver(mail: OutboxMail): Promise<void> {
    try {
      await this.#mailer.send({ to: mail.to, subject: mail.subject, text: mail.text });
    } catch (error) {
      await this.#recordFailure(mail, error);
      return;
    }
    await this.#outbox.markSent(mail.id);
  }

  async #recordFailure(mail: OutboxMail, error: unknown): Promise<void> {
    const attempts = mail.attempts + 1;
    const nextAttemptAt = nextMailAttemptAt(attempts, this.#now());
    await this.#outbox.markFailed(mail.id, { error: describe(error), nextAttemptAt });
    const report = { err: error, mailId: mail.id, attempts, subject: mail.subject, to: mail.to };
    if (nextAttemptAt === null) {
      this.#log.error(report, `mail given up after ${maxMailAttempts} attempts`);
    } else if (isDirectorError(error) && error.code === "MAIL_FAILED") {
      this.#log.warn({ ...report, nextAttemptAt }, "mail not sent; it will be tried again");
    } else {
      // not the mail server refusing: a bug or an adapter failing in a way it should have wrapped
      this.#log.error({ ...report, nextAttemptAt }, "mail failed unexpectedly; it will be tried again");
    }
  }
}

/** The error's message, with its code when it is a DirectorError: what `last_error` keeps for an operator. */
function describe(error: unknown): string {
  if (isDirectorError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
