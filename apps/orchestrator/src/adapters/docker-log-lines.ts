/**
 * The lines of a Docker log body. Without a TTY the engine multiplexes stdout and stderr into frames (Engine API,
 * "Attach to a container", stream format); docker-modem's `demuxStream` takes the frames apart, and this splits
 * their payloads into lines, keeping the order in which the engine sent them across both streams.
 */
import { finished, Readable, Writable } from "node:stream";
import type Docker from "dockerode";

/** One line of a log. */
export interface LogLine {
  stream: "stdout" | "stderr";
  text: string;
}

type Modem = Docker["modem"];

/**
 * The lines of a streamed log body (a followed log), as an object-mode stream of LogLine. A slow reader pauses
 * `body`; destroying the lines destroys `body`, which closes the engine's connection. A trailing partial frame
 * is never emitted.
 */
export function demuxLogLines(modem: Modem, body: Readable): Readable {
  const lines = new Readable({
    objectMode: true,
    read: () => {
      body.resume();
    },
    destroy: (error, done) => {
      body.destroy();
      done(error);
    },
  });
  // demuxStream writes one payload per frame to stdout or stderr, synchronously as the body's chunks arrive:
  // two sinks that push to the same stream keep the engine's order between stdout and stderr.
  const sinkOf = (stream: LogLine["stream"]) =>
    new Writable({
      write(payload: Buffer, _encoding, done) {
        for (const text of payload.toString("utf8").split("\n")) {
          if (text !== "" && !lines.push({ stream, text } satisfies LogLine)) body.pause();
        }
        done();
      },
    });
  modem.demuxStream(body, sinkOf("stdout"), sinkOf("stderr"));
  finished(body, (error) => {
    if (error) lines.destroy(error);
    else lines.push(null);
  });
  return lines;
}

/** The lines of a log read whole (`follow: false`, which dockerode answers as one Buffer). */
export async function readLogLines(modem: Modem, body: Buffer): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for await (const line of demuxLogLines(modem, Readable.from([body]))) lines.push(line as LogLine);
  return lines;
}
