/**
 * Splits a non-TTY Docker log body into lines. Without a TTY the engine multiplexes stdout and stderr: each frame is
 * an 8-byte header (stream type, 3 zero bytes, big-endian payload length) then the payload (Engine API, "Attach to a
 * container", stream format); pure.
 */

/** One line of a site's log. */
export interface LogLine {
  stream: "stdout" | "stderr";
  text: string;
}

const headerBytes = 8;

/** Decodes the frames of `body` into lines; a trailing partial frame is ignored. */
export function decodeLogFrames(body: Buffer): LogLine[] {
  return new LogFrameDecoder().push(body);
}

/**
 * Decodes a followed log stream, whose chunks split frames anywhere: `push` returns the lines of every frame that is
 * complete so far and keeps the rest for the next chunk.
 */
export class LogFrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): LogLine[] {
    const body = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const lines: LogLine[] = [];
    let offset = 0;
    while (offset + headerBytes <= body.length) {
      const streamType = body[offset];
      const length = body.readUInt32BE(offset + 4);
      if (offset + headerBytes + length > body.length) break;
      const payload = body.subarray(offset + headerBytes, offset + headerBytes + length);
      const stream = streamType === 2 ? "stderr" : "stdout";
      for (const text of payload.toString("utf8").split("\n")) {
        if (text !== "") lines.push({ stream, text });
      }
      offset += headerBytes + length;
    }
    this.#pending = Buffer.from(body.subarray(offset));
    return lines;
  }
}
