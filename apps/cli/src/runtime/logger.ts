import pino, { type Logger } from "pino";

/** One root logger per process; components take children. Pretty on a terminal, JSON lines otherwise. */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    return pino({
      level,
      transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss", ignore: "pid,hostname" } },
    });
  }
  return pino({ level });
}
