/**
 * Docker's multiplexed stream, what an attach or exec without a TTY answers: each frame is an 8-byte header (stream
 * type: 0 stdin, 1 stdout, 2 stderr, 3 the engine's own error; three zero bytes; the payload's length, uint32 big
 * endian) then the payload. https://docs.docker.com/engine/api/v1.41/#operation/ContainerAttach ("Stream format").
 */
import type { TerminalOutput } from "../core/site-terminals.js";

const headerBytes = 8;

/** Splits a multiplexed stream's chunks into stdout and stderr pieces, payloads passed on as they arrive. */
export class DockerStreamDemuxer {
  #header = Buffer.alloc(0);
  #stream: "stdout" | "stderr" = "stdout";
  #remainingBytes = 0;

  /** The pieces this chunk completes or continues, in order. */
  push(chunk: Buffer): TerminalOutput[] {
    const pieces: TerminalOutput[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remainingBytes > 0) {
        const end = Math.min(chunk.length, offset + this.#remainingBytes);
        pieces.push({ stream: this.#stream, bytes: chunk.subarray(offset, end) });
        this.#remainingBytes -= end - offset;
        offset = end;
        continue;
      }
      const needed = headerBytes - this.#header.length;
      this.#header = Buffer.concat([this.#header, chunk.subarray(offset, offset + needed)]);
      offset += Math.min(needed, chunk.length - offset);
      if (this.#header.length < headerBytes) break;
      // stdin frames do not come back; the engine's own errors (3) are told to the caller as stderr.
      this.#stream = this.#header[0] === 1 || this.#header[0] === 0 ? "stdout" : "stderr";
      this.#remainingBytes = this.#header.readUInt32BE(4);
      this.#header = Buffer.alloc(0);
    }
    return pieces;
  }
}

/** The stdout and stderr pieces of a multiplexed stream, until it ends. */
export async function* demuxDockerStream(source: AsyncIterable<Buffer>): AsyncGenerator<TerminalOutput> {
  const demuxer = new DockerStreamDemuxer();
  for await (const chunk of source) yield* demuxer.push(chunk);
}

/** A TTY's bytes as terminal output (a TTY has one stream, not multiplexed). */
export async function* terminalOutputOf(source: AsyncIterable<Buffer>): AsyncGenerator<TerminalOutput> {
  for await (const bytes of source) yield { stream: "terminal", bytes };
}
