/**
 * An open-loop load at a steady rate: request i is due at start + i / rate, whatever the answers before it did, and
 * its latency counts from when it was due (so a stall that delays the sending counts too: no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it lets each connection send back to back until it has made its share of the
 * second, then pause until the next second. "200 requests/s" then means a burst at full speed at the start of every
 * second, and its percentiles are those of the burst, not of 200 requests spread over the second.
 */
import http from "node:http";

export interface PacedFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
}

export interface PacedLoadOptions {
  url: string;
  headers: Record<string, string>;
  /** each request's path, taken in turn */
  paths: readonly string[];
  rate: number;
  durationS: number;
  /** keep-alive connections at most (a request waits for a free one, and that wait counts) */
  connections: number;
}

export async function pacedLoad(options: PacedLoadOptions): Promise<PacedFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.durationS);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  let sent = 0;
  try {
    while (sent < total) {
      const now = performance.now();
      // every request due by now goes out; the timer's lag is counted in their latency, never hidden
      while (sent < total && start + sent * intervalMs <= now) {
        const dueAt = start + sent * intervalMs;
        const path = options.paths[sent % options.paths.length] ?? "/";
        pending.push(
          send(agent, options.url, path, options.headers).then(
            (status) => {
              latencies.push(performance.now() - dueAt);
              if (status < 200 || status > 299) non2xx++;
            },
            () => {
              errors++;
            },
          ),
        );
        sent++;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + sent * intervalMs - performance.now())));
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
  const elapsedS = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? 0);
  return {
    requestsPerSecond: Math.round(latencies.length / elapsedS),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: Math.round(latencies.at(-1) ?? 0),
    errors,
    non2xx,
  };
}

function send(agent: http.Agent, base: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, base), { agent, headers, timeout: 10_000 }, (response) => {
      response.resume(); // read the whole body: the answer is complete only then
      response.on("end", () => resolve(response.statusCode ?? 0));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}
