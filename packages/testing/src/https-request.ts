/**
 * One HTTPS request to 127.0.0.1 for a name the test chooses: SNI and Host are that name (no DNS involved), and only
 * the given CA is trusted, so a test sees exactly which certificate nginx (or a stand-in) served for it.
 */

import { X509Certificate } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Agent, request } from "node:https";
import type { TLSSocket } from "node:tls";

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** the certificate the connection's handshake presented; null on a reused keep-alive connection (no handshake) */
  certificate: X509Certificate | null;
  /** whether the request went over a connection the agent kept from an earlier one */
  isReusedConnection: boolean;
}

export interface HttpsRequestOptions {
  port: number;
  /** SNI, and the Host header unless `host` is given */
  servername: string;
  /** the Host header, e.g. with a port */
  host?: string;
  path?: string;
  method?: string;
  /** sent as JSON */
  json?: unknown;
  /** sent as it is (application/octet-stream), when there is no `json` */
  body?: Buffer;
  /** more request headers (an Authorization) */
  headers?: Record<string, string>;
  /** the only CA trusted */
  ca: string;
  /** default: a fresh connection with a full handshake (no keep-alive, no TLS session resumption) */
  agent?: Agent;
  timeoutMs?: number;
}

/** Sends the request and reads the whole answer; rejects when the handshake fails (an untrusted or refused name). */
export async function httpsRequest(options: HttpsRequestOptions): Promise<HttpsAnswer> {
  const response = await openHttpsRequest(options);
  const chunks: Buffer[] = [];
  for await (const chunk of response.message) chunks.push(chunk as Buffer);
  return { ...response.answer, body: Buffer.concat(chunks).toString("utf8") };
}

/**
 * Sends the request and resolves once the answer's head has come, leaving its body unread (paused): for a test that
 * holds a response open, e.g. across an nginx reload.
 */
export function openHttpsRequest(
  options: HttpsRequestOptions,
): Promise<{ answer: Omit<HttpsAnswer, "body">; message: IncomingMessage }> {
  const body = options.json === undefined ? options.body : JSON.stringify(options.json);
  const contentType = options.json === undefined ? "application/octet-stream" : "application/json";
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: options.port,
        servername: options.servername,
        method: options.method ?? "GET",
        path: options.path ?? "/",
        headers: {
          host: options.host ?? options.servername,
          ...(body === undefined
            ? {}
            : { "content-type": contentType, "content-length": String(Buffer.byteLength(body)) }),
          ...options.headers,
        },
        ca: options.ca,
        agent: options.agent ?? new Agent({ keepAlive: false, maxCachedSessions: 0 }),
        timeout: options.timeoutMs ?? 10_000,
      },
      (message) => {
        message.pause();
        const peer = (message.socket as TLSSocket).getPeerCertificate();
        const isReusedConnection = req.reusedSocket;
        resolve({
          answer: {
            status: message.statusCode ?? 0,
            headers: message.headers,
            certificate: peer.raw === undefined ? null : new X509Certificate(peer.raw),
            isReusedConnection,
          },
          message,
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from 127.0.0.1:${options.port} in time`)));
    req.on("error", reject);
    req.end(body);
  });
}
