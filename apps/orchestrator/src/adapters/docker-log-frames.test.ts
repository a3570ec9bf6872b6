import { describe, expect, it } from "vitest";
import { decodeLogFrames, LogFrameDecoder } from "./docker-log-frames.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("decodeLogFrames", () => {
  it("splits multiplexed frames into lines with their stream, ignoring a truncated last frame", () => {
    const body = Buffer.concat([frame(1, "one\ntwo\n"), frame(2, "oops\n"), frame(1, "cut").subarray(0, 9)]);
    expect(decodeLogFrames(body)).toEqual([
      { stream: "stdout", text: "one" },
      { stream: "stdout", text: "two" },
      { stream: "stderr", text: "oops" },
    ]);
  });
});

describe("LogFrameDecoder", () => {
  it("decodes a followed stream whose chunks cut frames and headers anywhere", () => {
    const body = Buffer.concat([frame(1, "first\n"), frame(2, "second\n"), frame(1, "third\n")]);
    for (const cuts of [[1], [3, 9], [8, 15, 16, 30], [body.length - 1]]) {
      const decoder = new LogFrameDecoder();
      const lines = [];
      let start = 0;
      for (const cut of [...cuts, body.length]) {
        lines.push(...decoder.push(body.subarray(start, cut)));
        start = cut;
      }
      expect(lines.map((line) => line.text)).toEqual(["first", "second", "third"]);
    }
  });
});
