/**
 * The logging port the host adapters need: a subset of pino's API, so a pino logger (or a child of one)
 * can be passed as is and tests can pass a small in-memory fake.
 */

/** One log method: a structured object and a message, or a message alone (pino's calling convention). */
export type LogFn = (objectOrMessage: object | string, message?: string) => void;

/** A pino-like logger with the three levels the host adapters use. */
export interface Logger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
