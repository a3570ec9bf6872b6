import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Logger } from "./logger.js";

describe("Logger", () => {
  it("accepts a pino logger as is", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    // The assignment is the real test: it fails to compile if Logger drifts from pino's API.
    const log: Logger = pino(sink);
    log.warn({ pid: 42 }, "nginx is slow");
    log.info("started");
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ pid: 42, msg: "nginx is slow", level: 40 }),
      expect.objectContaining({ msg: "started", level: 30 }),
    ]);
  });
});
