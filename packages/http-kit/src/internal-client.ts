import { errorBodySchema } from "@director/contracts/error-body";
import { DirectorError, isErrorCode } from "@director/domain/errors";
import type { z } from "zod";
import type { InternalToken } from "./internal-auth.js";
import { openStream, readText, type StartedStream } from "./internal-stream.js";

export interface InternalClientOptions {
  /** e.g. "orchestrator"; named in errors so an operator knows which process to look at */
  component: string;
  baseUrl: string;
  token: InternalToken;
  timeoutMs?: number;
}

export interface InternalRequest {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  body?: Buffer;
  /** this request's time limit, for the slow ones (an image build); default the client's */
  timeoutMs?: number;
}

/**
 * Calls another Director component's internal API. A refusal with a Director error body becomes that same
 * DirectorError here (so a bad path from the orchestrator reaches the user as PATH_ESCAPES_SITE); a network
 * failure becomes COMPONENT_UNREACHABLE, which the worker treats as worth retrying.
 */
export class InternalClient {
  readonly #options: Required<InternalClientOptions>;

  constructor(options: InternalClientOptions) {
    this.#options = { timeoutMs: 30_000, ...options };
  }

  /** Sends a request and parses the JSON answer with `schema`. */
  async json<T extends z.ZodType>(request: InternalRequest, schema: T): Promise<z.infer<T>> {
    const response = await this.send(request);
    return schema.parse(await response.json());
  }

  /** Sends a request and returns the body bytes and content type. */
  async bytes(request: InternalRequest): Promise<{ body: Buffer; contentType: string }> {
    const response = await this.send(request);
    return {
      body: Buffer.from(await response.arrayBuffer()),
      contentType: response.headers.get("content-type") ?? "application/octet-stream",
    };
  }

  /**
   * Sends a GET whose answer is a long stream (a followed log) and returns its body once the status is known.
   * The usual timeout applies to the answer's start only; `signal` ends the stream and closes its connection (the
   * caller's client left), also when it aborted before this call.
   */
  async stream(request: InternalRequest & { method: "GET" }, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const { component, baseUrl, timeoutMs } = this.#options;
    let started: StartedStream;
    try {
      started = await openStream({
        url: this.#urlOf(request),
        headers: { authorization: `Bearer ${this.#options.token}` },
        signal,
        startTimeoutMs: request.timeoutMs ?? timeoutMs,
      });
    } catch (cause) {
      throw new DirectorError(
        "COMPONENT_UNREACHABLE",
        `The ${component} at ${baseUrl} did not answer ${request.method} ${request.path}; is it running?`,
        { cause },
      );
    }
    if (started.status >= 200 && started.status < 300) return started.body;
    throw toRemoteError(component, request, started.status, await readText(started.body));
  }

  /** Sends a request whose answer carries nothing we need. */
  async call(request: InternalRequest): Promise<void> {
    const response = await this.send(request);
    await response.arrayBuffer();
  }

  private async send(request: InternalRequest): Promise<Response> {
    const { component, baseUrl, token, timeoutMs } = this.#options;
    const url = this.#urlOf(request);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let body: RequestInit["body"];
    if (request.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(request.json);
    } else if (request.body !== undefined) {
      headers["content-type"] = "application/octet-stream";
      body = new Uint8Array(request.body);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(request.timeoutMs ?? timeoutMs),
      });
    } catch (cause) {
      throw new DirectorError(
        "COMPONENT_UNREACHABLE",
        `The ${component} at ${baseUrl} did not answer ${request.method} ${request.path}; is it running?`,
        { cause },
      );
    }
    if (response.ok) return response;
    throw toRemoteError(component, request, response.status, await response.text());
  }

  #urlOf(request: InternalRequest): URL {
    const url = new URL(request.path, this.#options.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    return url;
  }
}

function toRemoteError(component: string, request: InternalRequest, status: number, text: string): DirectorError {
  let parsed: ReturnType<typeof errorBodySchema.safeParse> | undefined;
  try {
    parsed = errorBodySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined; // not JSON: reported below with the raw text
  }
  if (parsed?.success && isErrorCode(parsed.data.error.code)) {
    const { code, message, details } = parsed.data.error;
    // An internal-auth refusal is a deployment problem (tokens differ), not the user's.
    if (code === "INTERNAL_AUTH_INVALID") {
      return new DirectorError("COMPONENT_REJECTED", `The ${component} refused our token; check its configuration.`);
    }
    return new DirectorError(code, message, details ? { details } : {});
  }
  return new DirectorError(
    status >= 500 ? "COMPONENT_UNREACHABLE" : "COMPONENT_REJECTED",
    `The ${component} answered ${status} to ${request.method} ${request.path}: ${text.slice(0, 300)}`,
  );
}
