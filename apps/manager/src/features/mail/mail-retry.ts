/**
 * When the mail outbox tries a message again: 30 s after the first failure, doubling each time, at most an hour
 * apart, and never after the 30th try. The first seven waits add up to 30 s × (2^7 − 1) = 63.5 minutes, then 22 more
 * of an hour: 23 h 3.5 min in all. That rides out a mail server down overnight (a school's maintenance window)
 * without keeping a message about a decision for days.
 */

/** Tries of one message, the first included. */
export const maxMailAttempts = 30;
const firstRetryDelayMs = 30_000;
const maxRetryDelayMs = 60 * 60_000;

/** The wait after the try numbered `attempts` (1 for the first) failed. */
export function mailRetryDelayMs(attempts: number): number {
  return Math.min(firstRetryDelayMs * 2 ** Math.max(0, attempts - 1), maxRetryDelayMs);
}

/** When to try again after try number `attempts` failed at `failedAt`; null: that was the last try. */
export function nextMailAttemptAt(attempts: number, failedAt: Date): Date | null {
  if (attempts >= maxMailAttempts) return null;
  return new Date(failedAt.getTime() + mailRetryDelayMs(attempts));
}
