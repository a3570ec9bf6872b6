/**
 * The balancer's traffic log (issue 15): one short line per request, appended by nginx itself through a buffer, so no
 * request waits on a disk write and no Node.js process sees a request. The orchestrator reads it from a cursor and
 * rotates it (rename, then SIGUSR1 so nginx reopens the path); these are the names both sides agree on.
 */
import { join } from "node:path";

/** The log_format's name in the main nginx.conf. */
export const trafficLogFormatName = "director_traffic";

/**
 * One line per request: when it ended (s.ms), the host asked for (lower case, no port), the status, the bytes sent
 * (headers included) and the time taken (s.ms). The host is the only field a client chooses, so it sits between the
 * fixed ones and a reader takes the fields from both ends: a Host with spaces cannot shift a number.
 */
export const trafficLogFormat = "$msec $host $status $bytes_sent $request_time";

/**
 * How long nginx's workers may hold lines in their buffers; a rotated file gets lines for at most this long after
 * nginx was told to reopen (and the reader waits longer than that before it leaves the file).
 */
export const trafficLogFlushMs = 1000;
/** Each worker's buffer: lines are written when it is full or after the flush time, whichever is first. */
export const trafficLogBufferBytes = 32 * 1024;

/** Where the traffic log of one nginx prefix lives. */
export interface TrafficLogLayout {
  /** root's, searchable by nginx's workers' group only (they reopen the file there after a rotation) */
  dir: string;
  /** the file nginx appends to */
  livePath: string;
  /** the reader's state: the log's id, the live file's generation, when it last rotated */
  statePath: string;
  /** a rotated generation's file, read to its end and removed once the reader's cursor is past it */
  rotatedPath(generation: number): string;
}

/** The traffic log's files under an nginx prefix directory (pure). */
export function trafficLogLayout(nginxPrefixDir: string): TrafficLogLayout {
  const dir = join(nginxPrefixDir, "traffic");
  return {
    dir,
    livePath: join(dir, "traffic.log"),
    statePath: join(dir, "state.json"),
    rotatedPath: (generation) => join(dir, `traffic.${generation}.log`),
  };
}
