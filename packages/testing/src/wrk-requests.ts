import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCommand } from "@director/host/run-command";

/** What wrk sent and how it was answered. */
export interface WrkCount {
  /** responses wrk read (its "N requests in"), each to a request it sent */
  requests: number;
  /** of those, answers outside 2xx and 3xx */
  non2xxOr3xx: number;
}

/**
 * Sends exactly `threads × requestsPerThread` requests with wrk (Debian's package), one connection per thread: each
 * thread stops after its last response, before it writes another request, so nothing is left in flight and a
 * server's count of requests must equal wrk's. wrk runs for `seconds` whatever happens (default 2): a thread that has
 * not sent its share by then has sent fewer, which the caller sees in `requests`.
 */
export async function wrkRequests(options: {
  url: string;
  host: string;
  threads: number;
  requestsPerThread: number;
  seconds?: number;
}): Promise<WrkCount> {
  const dir = await mkdtemp(path.join(tmpdir(), "director-wrk-"));
  try {
    const script = path.join(dir, "stop-after.lua");
    await writeFile(
      script,
      [
        "local count = 0",
        `local limit = ${options.requestsPerThread}`,
        "response = function(status, headers, body)",
        "  count = count + 1",
        "  if count >= limit then wrk.thread:stop() end",
        "end",
        "",
      ].join("\n"),
    );
    const seconds = options.seconds ?? 2;
    const { stdout, stderr, exitCode } = await runCommand(
      [
        "wrk",
        `-t${options.threads}`,
        `-c${options.threads}`,
        `-d${seconds}s`,
        "-s",
        script,
        "-H",
        `Host: ${options.host}`,
        options.url,
      ],
      { timeoutMs: (seconds + 15) * 1000 },
    );
    if (exitCode !== 0) throw new Error(`wrk failed: ${stderr}`);
    const requests = /(\d+) requests in/.exec(stdout);
    if (requests === null) throw new Error(`no request count in wrk's output:\n${stdout}`);
    return {
      requests: Number(requests[1]),
      non2xxOr3xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
