import { describe, expect, it } from "vitest";
import { DockerStreamDemuxer } from "./docker-stream-demux.js";

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const asText = (pieces: Array<{ stream: string; bytes: Buffer }>) =>
  pieces.map((piece) => [piece.stream, piece.bytes.toString()]);

describe("DockerStreamDemuxer", () => {
  it("splits frames of both streams, several in one chunk", () => {
    const demuxer = new DockerStreamDemuxer();
    expect(asText(demuxer.push(Buffer.concat([frame(1, "hi\n"), frame(2, "err\n"), frame(1, "")])))).toEqual([
      ["stdout", "hi\n"],
      ["stderr", "err\n"],
    ]);
  });

  it("passes a payload on as it arrives and joins a header split across chunks", () => {
    const demuxer = new DockerStreamDemuxer();
    const bytes = Buffer.concat([frame(2, "abcdef"), frame(1, "xyz")]);
    // 0-3: part of a header; 3-10: its rest and "ab"; 10-12: "cd"; 12-17: "ef" and part of the next header.
    const cuts = [0, 3, 10, 12, 17, bytes.length];
    const pieces = cuts.slice(1).flatMap((end, index) => demuxer.push(bytes.subarray(cuts[index], end)));
    expect(asText(pieces)).toEqual([
      ["stderr", "ab"],
      ["stderr", "cd"],
      ["stderr", "ef"],
      ["stdout", "xyz"],
    ]);
  });

  it("tells the engine's own errors as stderr", () => {
    expect(asText(new DockerStreamDemuxer().push(frame(3, "exec failed")))).toEqual([["stderr", "exec failed"]]);
  });
});
