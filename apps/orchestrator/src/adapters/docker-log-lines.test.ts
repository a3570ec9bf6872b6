import { once } from "node:events";
import { PassThrough } from "node:stream";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { demuxLogLines, type LogLine, readLogLines } from "./docker-log-lines.js";

// docker-modem's real demultiplexer; constructing the client opens no connection.
const { modem } = new Docker({ socketPath: "/nonexistent/docker.sock" });

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("readLogLines", () => {
  it("splits multiplexed frames into lines with their stream, in order, ignoring a truncated last frame", async () => {
    const body = Buffer.concat([
      frame(1, "one\ntwo\n"),
      frame(2, "oops\n"),
      frame(1, "three\n"),
      frame(1, "cut").subarray(0, 9),
    ]);
    expect(await readLogLines(modem, body)).toEqual([
      { stream: "stdout", text: "one" },
      { stream: "stdout", text: "two" },
      { stream: "stderr", text: "oops" },
      { stream: "stdout", text: "three" },
    ]);
  });

  it("reads an empty body as no lines", async () => {
    expect(await readLogLines(modem, Buffer.alloc(0))).toEqual([]);
  });
});

describe("demuxLogLines", () => {
  it("decodes a followed stream whose chunks cut frames and headers anywhere", async () => {
    const body = Buffer.concat([frame(1, "first\n"), frame(2, "second\n"), frame(1, "third\n")]);
    for (const cuts of [[1], [3, 9], [8, 15, 16, 30], [body.length - 1]]) {
      const stream = new PassThrough();
      const lines = demuxLogLines(modem, stream);
      let start = 0;
      for (const cut of [...cuts, body.length]) {
        stream.write(body.subarray(start, cut));
        start = cut;
      }
      stream.end();
      const texts: string[] = [];
      for await (const line of lines) texts.push((line as LogLine).text);
      expect(texts).toEqual(["first", "second", "third"]);
    }
  });

  it("pauses the body while nobody reads, and resumes when the lines are read", async () => {
    const body = new PassThrough();
    const lines = demuxLogLines(modem, body);
    for (let index = 0; index < 100; index++) body.write(frame(1, `line ${index}\n`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.isPaused()).toBe(true);
    expect(lines.readableLength).toBeLessThan(100);
    body.end();
    const texts: string[] = [];
    for await (const line of lines) texts.push((line as LogLine).text);
    expect(texts).toHaveLength(100);
    expect(texts.at(-1)).toBe("line 99");
  });

  it("destroys the body (the engine's connection) when the lines are destroyed", async () => {
    const body = new PassThrough();
    const lines = demuxLogLines(modem, body);
    body.write(frame(1, "hello\n"));
    const closed = once(body, "close");
    lines.destroy();
    await closed;
    expect(body.destroyed).toBe(true);
  });

  it("fails the lines when the body fails", async () => {
    const body = new PassThrough();
    const lines = demuxLogLines(modem, body);
    body.destroy(new Error("connection reset"));
    await expect(lines.toArray()).rejects.toThrow("connection reset");
  });
});
