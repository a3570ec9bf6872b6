import { request } from "node:http";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on the fields
  json<T = any>(): T;
}

/**
 * One HTTP request with full control: a raw path (sent as written, no `..` normalisation, like
 * `curl --path-as-is`) and any Host header, which fetch() does not allow.
 */
export function httpRequest(options: {
  url: string;
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  rawPath?: string;
}): Promise<HttpAnswer> {
  const url = new URL(options.url);
  // Node sends a DELETE body neither chunked nor with a length unless told, so the server would read it as the next
  // request; a body always goes with its length.
  const length = options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) };
  return new Promise((resolve, reject) => {
    let hasAnswer = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? "GET",
        path: options.rawPath ?? `${url.pathname}${url.search}`,
        agent: false, // a fresh connection per request: tests see each answer on its own
        headers: { ...(options.host ? { host: options.host } : {}), ...length, ...options.headers },
      },
      (res) => {
        hasAnswer = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const text = body.toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    // A server may answer (413, say) and close before it has read the whole body: writing the rest then fails with
    // EPIPE or ECONNRESET although the answer is on its way. That answer is what the caller asked for, so it wins.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (hasAnswer) return;
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") return reject(error);
      setTimeout(() => {
        if (!hasAnswer) reject(error);
      }, 500);
    });
    req.end(options.body);
  });
}
