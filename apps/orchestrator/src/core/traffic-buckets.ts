/**
 * Counting the balancer's traffic log (pure): lines in the format of @director/host/nginx-traffic-log into one bucket
 * per host and minute. The host is the one field a client picks (any bytes nginx lets through, spaces included), so
 * fields are taken from both ends of the line and the host is whatever lies between.
 */
import type { TrafficBucket } from "@director/contracts/orchestrator-usage";

/** One request as the log line tells it. */
export interface TrafficLine {
  host: string;
  /** when the request ended, in ms since the epoch */
  endedAtMs: number;
  status: number;
  bytesSent: number;
  requestTimeMs: number;
}

/**
 * The longest host a bucket carries: longer ones name no site (DNS names end at 253) and are dropped, as is an empty
 * one (a request without Host to a default server that has no name).
 */
const maxHostLength = 253;
const decimal = /^[0-9]+(?:\.[0-9]+)?$/;
const integer = /^[0-9]+$/;

/** One line (without its newline), or null when it is not one of ours (then it is skipped, not fatal). */
export function parseTrafficLine(line: string): TrafficLine | null {
  const fields = line.split(" ");
  if (fields.length < 5) return null;
  const [msec, ...rest] = fields;
  const requestTime = rest.pop() ?? "";
  const bytesSent = rest.pop() ?? "";
  const status = rest.pop() ?? "";
  const host = rest.join(" ");
  if (!decimal.test(msec ?? "") || !integer.test(status) || !integer.test(bytesSent) || !decimal.test(requestTime)) {
    return null;
  }
  return {
    host,
    endedAtMs: Math.round(Number(msec) * 1000),
    status: Number(status),
    bytesSent: Number(bytesSent),
    requestTimeMs: Math.round(Number(requestTime) * 1000),
  };
}

/** Adds requests to buckets by host and minute; `buckets()` lists them oldest minute first. */
export class TrafficBuckets {
  readonly #buckets = new Map<string, TrafficBucket>();
  #skipped = 0;
  #hostless = 0;

  /** Lines that were not ours and were left out. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Requests left out because their host can name no site (empty, or too long). */
  get hostless(): number {
    return this.#hostless;
  }

  /** Counts every complete line of `text` (lines end with "\n"; a last piece without one is the caller's to keep). */
  addLines(text: string): void {
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const parsed = parseTrafficLine(line);
      if (parsed === null) this.#skipped += 1;
      else this.add(parsed);
    }
  }

  add(line: TrafficLine): void {
    if (line.host === "" || line.host.length > maxHostLength) {
      this.#hostless += 1;
      return;
    }
    const minute = new Date(Math.floor(line.endedAtMs / 60_000) * 60_000).toISOString();
    const key = `${minute} ${line.host}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = {
        host: line.host,
        minute,
        requests: 0,
        bytesSent: 0,
        status2xx: 0,
        status3xx: 0,
        status4xx: 0,
        status5xx: 0,
        requestTimeMsSum: 0,
        requestTimeMsMax: 0,
      };
      this.#buckets.set(key, bucket);
    }
    bucket.requests += 1;
    bucket.bytesSent += line.bytesSent;
    bucket[statusClassOf(line.status)] += 1;
    bucket.requestTimeMsSum += line.requestTimeMs;
    bucket.requestTimeMsMax = Math.max(bucket.requestTimeMsMax, line.requestTimeMs);
  }

  buckets(): TrafficBucket[] {
    return [...this.#buckets.values()].sort((a, b) => a.minute.localeCompare(b.minute) || a.host.localeCompare(b.host));
  }
}

/**
 * 1xx (a WebSocket's 101, which ends when the socket does) counts with 2xx: the request was answered. nginx's own
 * codes (444 closed, 499 client gone) fall in 4xx by value; anything past 599 counts as a server error.
 */
function statusClassOf(status: number): "status2xx" | "status3xx" | "status4xx" | "status5xx" {
  if (status < 300) return "status2xx";
  if (status < 400) return "status3xx";
  if (status < 500) return "status4xx";
  return "status5xx";
}
