/**
 * wrk over HTTPS to 127.0.0.1 with a custom domain as SNI, and a verifying HTTPS GET to check a target first.
 *
 * Debian's wrk (4.1.0) takes SNI from the URL's host, not from a Host header (measured: `-H "Host: <domain>"` against
 * https://127.0.0.1 is refused the handshake by a server with `ssl_reject_handshake`), and it resolves that host
 * with getaddrinfo. Rather than an /etc/hosts entry, a three-line script replaces `wrk.resolve` so wrk connects to
 * 127.0.0.1 while the URL, and so SNI and the Host header, keep the domain. wrk does not verify certificates
 * (SSL_VERIFY_NONE); `httpsGet` below does, trusting only the given root, before each load run.
 *
 * With `Connection: close`, nginx closes after each answer and wrk connects again on the same SSL object, which keeps
 * its session: each request is a new TCP connection and a resumed TLS handshake (TLS 1.3 PSK with ECDHE; nginx logs
 * `$ssl_session_reused` "r" for all but each connection's first), i.e. a returning visitor's handshake, without the
 * certificate signature of a first visit.
 */
import type { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCommand } from "@director/host/run-command";
import { httpsRequest } from "@director/testing/https-request";

const resolveToLoopback = `-- connect to 127.0.0.1 whatever the URL's host, which stays the SNI and the Host header
wrk.resolve = function(host, service)
  wrk.addrs = wrk.lookup("127.0.0.1", service)
end
`;

export interface WrkHttpsOptions {
  port: number;
  serverName: string;
  durationS: number;
  threads: number;
  connections: number;
  /** send `Connection: close`: a new connection (and TLS handshake) per request */
  isNewConnectionPerRequest: boolean;
}

/** Requests per second from one wrk run; throws on any error answer or socket error. */
export async function wrkHttps(options: WrkHttpsOptions): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), "wrk-https-"));
  try {
    const script = path.join(dir, "resolve-to-loopback.lua");
    await writeFile(script, resolveToLoopback);
    const url = `https://${options.serverName}:${options.port}/`;
    const { stdout, stderr, exitCode } = await runCommand(
      [
        "wrk",
        `-t${options.threads}`,
        `-c${options.connections}`,
        `-d${options.durationS}s`,
        "-s",
        script,
        ...(options.isNewConnectionPerRequest ? ["-H", "Connection: close"] : []),
        url,
      ],
      { timeoutMs: (options.durationS + 30) * 1000 },
    );
    if (exitCode !== 0) throw new Error(`wrk failed: ${stderr}`);
    const rate = /Requests\/sec:\s+([0-9.]+)/.exec(stdout);
    const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
    const socketErrors = /Socket errors:.*/.exec(stdout);
    if (!rate) throw new Error(`no rate in wrk output:\n${stdout}`);
    if (non2xx) throw new Error(`wrk saw ${non2xx[1]} error answers from ${url}`);
    if (socketErrors) throw new Error(`wrk saw errors against ${url}: ${socketErrors[0]}`);
    return Number(rate[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A GET of `/` on 127.0.0.1:`port` with SNI and Host `serverName`, trusting only `caPem`; a new connection. */
export async function httpsGet(
  port: number,
  serverName: string,
  caPem: string,
  timeoutMs = 5_000,
): Promise<{ status: number; body: string; certificate: X509Certificate }> {
  const answer = await httpsRequest({ port, servername: serverName, ca: caPem, timeoutMs });
  if (answer.certificate === null) throw new Error("a new connection presented no certificate");
  return { status: answer.status, body: answer.body, certificate: answer.certificate };
}
