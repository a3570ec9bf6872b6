import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";

/** What `openStream` needs of one request; the answer's body is the stream. */
export interface StreamRequest {
  url: URL;
  /** default GET */
  method?: string;
  headers: Record<string, string>;
  /**
   * what to send: JSON text, or a stream piped as it comes (an upload); when it fails (its own source broke or
   * refused it), the request is destroyed, so the other end never sees a complete body
   */
  body?: string | Readable;
  /** ends the stream (the caller's own client went away); already aborted: nothing is sent */
  signal: AbortSignal;
  /** how long the answer may take to start (for an upload: counted from its start); the stream itself has no time limit */
  startTimeoutMs: number;
}

/** A started answer: its status, and its body while the caller reads it (ended by the request's signal). */
export interface StartedStream {
  status: number;
  body: IncomingMessage;
}

/**
 * Sends a request (a GET unless told) on a connection of its own and resolves once the answer's status is known; rejects when the signal
 * aborts first, the start takes too long, or the connection fails. Aborting later destroys the body and its socket.
 *
 * Not fetch(): Node 20's fetch (undici 6) puts an aborted streaming request back in its queue and opens a new
 * connection for it, which then holds nothing and stays open at the other end until that server's header timeout
 * (60-90 s for Node's http server): one idle connection, two descriptors in one process, left behind by every
 * followed log a browser closed (https://github.com/nodejs/undici/issues/5845). A stream holds its connection for
 * its whole life, so pooling gains nothing here; a connection of its own closes with it.
 */
export function openStream(options: StreamRequest): Promise<StartedStream> {
  const { url, method = "GET", headers, body: sent, signal, startTimeoutMs } = options;
  const controller = new AbortController();
  const abort = () => controller.abort(signal.reason);
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${startTimeoutMs} ms`)), startTimeoutMs);
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<StartedStream>((resolve, reject) => {
    // `signal` destroys the request and, once there is one, the answer: Node closes the socket with them.
    const req = send(url, { method, headers, agent: false, signal: controller.signal }, (body) => {
      clearTimeout(timer);
      body.once("close", () => signal.removeEventListener("abort", abort));
      // An abort destroys the body with an error. The reader learns of it from its iterator (a destroyed stream
      // keeps its error); without a listener the event alone would end the process if no one reads yet.
      body.on("error", () => undefined);
      resolve({ status: body.statusCode ?? 0, body });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", abort);
      reject(error);
    });
    if (sent === undefined || typeof sent === "string") {
      req.end(sent);
      return;
    }
    sent.on("error", (error) => req.destroy(error));
    sent.pipe(req);
  });
}

/** Reads a (small) body to its end as text: an error answer. */
export async function readText(body: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
