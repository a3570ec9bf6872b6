import type { Readable } from "node:stream";
import { errorBodySchema } from "@director/contracts/error-body";
import { type Route, type RouteOutput, routePath, routeQueryString } from "@director/contracts/route";
import { DirectorError, isErrorCode } from "@director/domain/errors";
import WebSocket from "ws";
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

/** One part of a call: required when its schema needs something, optional when everything in it is. */
type PartInput<Key extends string, S> = S extends z.ZodType
  ? object extends z.input<S>
    ? { [K in Key]?: z.input<S> }
    : { [K in Key]: z.input<S> }
  : { [K in Key]?: never };

/** What a call of `R` sends: its path parameters, query and body (raw bytes for a bytes route), and its time limit. */
export type CallInput<R extends Route> = PartInput<"params", R["params"]> &
  PartInput<"query", R["query"]> &
  (R["bodyKind"] extends "bytes" ? { body: Buffer } : PartInput<"body", R["body"]>) & {
    /** this call's time limit (for a stream: until its answer starts), for the slow ones; default the client's */
    timeoutMs?: number;
    /** headers of this call besides the component's token (the shell server's login token) */
    headers?: Record<string, string>;
  };

/** A bytes route's answer: its bytes, or the JSON its `answer` describes (a directory's listing instead of a file). */
export type BytesAnswer<T> = { kind: "bytes"; body: Buffer; contentType: string } | { kind: "json"; value: T };

/** What a call of `R` gives back once its answer is checked; a stream route is called with `stream()`. */
export type CallAnswer<R extends Route> = R["answerKind"] extends "json"
  ? RouteOutput<R["answer"]>
  : R["answerKind"] extends "bytes"
    ? BytesAnswer<RouteOutput<R["answer"]>>
    : R["answerKind"] extends "empty"
      ? undefined
      : never;

/**
 * Calls another Director component's internal API, one route of its table (contracts/*-api.ts) at a time. A
 * refusal with a Director error body becomes that same DirectorError here (so a bad path from the orchestrator
 * reaches the user as PATH_ESCAPES_SITE); a network failure becomes COMPONENT_UNREACHABLE, which the worker treats
 * as worth retrying. An answer Director does not expect (one its route's schema refuses, or an error body that is
 * not Director's) is COMPONENT_REJECTED naming the component and the route: the component is at fault, not the user.
 */
export class InternalClient {
  readonly #options: Required<InternalClientOptions>;

  constructor(options: InternalClientOptions) {
    this.#options = { timeoutMs: 30_000, ...options };
  }

  /** Calls `target` and answers what its answer kind says: the parsed JSON, the bytes, or nothing. */
  async request<R extends Route>(target: R, input: CallInput<R>): Promise<CallAnswer<R>> {
    const { component, baseUrl, token, timeoutMs } = this.#options;
    const parts = input as CallParts;
    const headers: Record<string, string> = { ...parts.headers, authorization: `Bearer ${token}` };
    let body: RequestInit["body"];
    if (target.bodyKind === "bytes") {
      headers["content-type"] = "application/octet-stream";
      body = new Uint8Array(parts.body as Buffer);
    } else if (target.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(parts.body ?? {});
    }
    let response: Response;
    try {
      response = await fetch(this.#urlOf(target, parts), {
        method: target.method,
        headers,
        body,
        signal: AbortSignal.timeout(parts.timeoutMs ?? timeoutMs),
      });
    } catch (cause) {
      throw new DirectorError(
        "COMPONENT_UNREACHABLE",
        `The ${component} at ${baseUrl} did not answer ${nameOf(target)}; is it running?`,
        { cause },
      );
    }
    if (!response.ok) throw toRemoteError(component, target, response.status, await response.text());
    const contentType = response.headers.get("content-type") ?? "application/octet-stream";
    if (target.answerKind === "empty") {
      await response.arrayBuffer();
      return undefined as CallAnswer<R>;
    }
    if (target.answerKind === "bytes" && !isJson(contentType)) {
      return { kind: "bytes", body: Buffer.from(await response.arrayBuffer()), contentType } as CallAnswer<R>;
    }
    const value = this.#checked(target, await response.text());
    return (target.answerKind === "bytes" ? { kind: "json", value } : value) as CallAnswer<R>;
  }

  /**
   * Calls a stream route (newline-delimited JSON, each line checked by the route's `answer`) and returns its lines
   * once the status is known. The time limit applies to the answer's start only; `signal` ends the stream and closes
   * its connection (the caller's client left), also when it aborted before this call.
   */
  async stream<R extends Route & { answerKind: "stream" }>(
    target: R,
    input: CallInput<R>,
    signal: AbortSignal,
  ): Promise<AsyncIterable<RouteOutput<R["answer"]>>> {
    const body = await this.#openBody(target, input as CallParts, signal);
    const checked = (line: string) => this.#checked(target, line) as RouteOutput<R["answer"]>;
    return (async function* () {
      let pending = "";
      const decoder = new TextDecoder();
      for await (const chunk of body) {
        pending += decoder.decode(chunk as Buffer, { stream: true });
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) if (line !== "") yield checked(line);
      }
    })();
  }

  /**
   * Calls a bytes route and hands back its body as it arrives, once the status is known: a download (a site's zip,
   * a database's dump) can be far larger than one answer should be held in memory. A route with a JSON body sends it
   * (a POST that carries secrets). The time limit applies to the answer's start only; `signal` ends it and closes
   * its connection.
   */
  async download<R extends Route & { answerKind: "bytes" }>(
    target: R,
    input: CallInput<R>,
    signal: AbortSignal,
  ): Promise<AsyncIterable<Buffer>> {
    return this.#openBody(target, input as CallParts, signal);
  }

  /**
   * Calls a route whose body is a stream (`bodyKind: "stream"`), piping `body` to it as it comes, and answers the
   * route's checked JSON. The time limit counts from the start to the answer's start (the upload and the work it
   * asks for); `signal` ends the call. When `body` fails, the request is destroyed, so the component never sees a
   * complete upload; the call then rejects with COMPONENT_UNREACHABLE, and the caller knows why.
   */
  async upload<R extends Route & { bodyKind: "stream"; answerKind: "json" }>(
    target: R,
    input: CallInput<R>,
    body: Readable,
    signal: AbortSignal,
  ): Promise<RouteOutput<R["answer"]>> {
    const answer = await this.#openBody(target, { ...(input as CallParts), streamBody: body }, signal);
    return this.#checked(target, await readText(answer)) as RouteOutput<R["answer"]>;
  }

  /**
   * Opens a WebSocket route (the orchestrator's terminal) with the component's token and resolves once it is open.
   * A refused upgrade is the component's error, as for request; no answer within the time limit, COMPONENT_UNREACHABLE.
   */
  async openSocket<R extends Route & { answerKind: "stream" }>(target: R, input: CallInput<R>): Promise<WebSocket> {
    const { component, baseUrl, token, timeoutMs } = this.#options;
    const parts = input as CallParts;
    const url = this.#urlOf(target, parts);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url, {
      headers: { ...parts.headers, authorization: `Bearer ${token}` },
      handshakeTimeout: parts.timeoutMs ?? timeoutMs,
      maxPayload: 1024 * 1024,
    });
    const unreachable = (cause: unknown) =>
      new DirectorError(
        "COMPONENT_UNREACHABLE",
        `The ${component} at ${baseUrl} did not answer ${nameOf(target)}; is it running?`,
        { cause },
      );
    return new Promise<WebSocket>((resolve, reject) => {
      socket.once("open", () => {
        // From now on a broken connection shows as its close (with 1006), which the caller handles.
        socket.removeAllListeners("error");
        socket.on("error", () => undefined);
        resolve(socket);
      });
      socket.once("unexpected-response", (request, response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (cause) => reject(unreachable(cause)));
        response.on("end", () => {
          request.destroy();
          const text = Buffer.concat(chunks).toString("utf8");
          reject(toRemoteError(component, target, response.statusCode ?? 502, text));
        });
      });
      socket.once("error", (cause) => reject(unreachable(cause)));
    });
  }

  /** Opens a route's answer on a connection of its own; a failed status is the component's error, as for request. */
  async #openBody(target: Route, parts: CallParts, signal: AbortSignal): Promise<StartedStream["body"]> {
    const { component, baseUrl, token, timeoutMs } = this.#options;
    let started: StartedStream;
    const headers: Record<string, string> = { ...parts.headers, authorization: `Bearer ${token}` };
    let body: string | Readable | undefined;
    if (parts.streamBody !== undefined) {
      headers["content-type"] = streamedBodyType;
      body = parts.streamBody;
    } else if (target.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(parts.body ?? {});
    }
    try {
      started = await openStream({
        url: this.#urlOf(target, parts),
        method: target.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
        startTimeoutMs: parts.timeoutMs ?? timeoutMs,
      });
    } catch (cause) {
      throw new DirectorError(
        "COMPONENT_UNREACHABLE",
        `The ${component} at ${baseUrl} did not answer ${nameOf(target)}; is it running?`,
        { cause },
      );
    }
    if (started.status < 200 || started.status >= 300) {
      throw toRemoteError(component, target, started.status, await readText(started.body));
    }
    return started.body;
  }

  /** A JSON answer checked by its route's schema; anything else is the component's fault, not the caller's. */
  #checked(target: Route, text: string): unknown {
    try {
      const value: unknown = JSON.parse(text);
      return target.answer === undefined ? value : target.answer.parse(value);
    } catch (cause) {
      // A ZodError, a parser's DirectorError (a name that is not one) or a SyntaxError: none of them is the user's.
      throw new DirectorError(
        "COMPONENT_REJECTED",
        `The ${this.#options.component} answered ${nameOf(target)} with something Director does not expect: ${describe(cause)}`,
        { cause },
      );
    }
  }

  #urlOf(target: Route, parts: CallParts): URL {
    const path = routePath(target, parts.params);
    return new URL(`${path}${routeQueryString(parts.query)}`, this.#options.baseUrl);
  }
}

/** What a call carries, once its route's types have done their work. */
interface CallParts {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** a stream route's body (upload) */
  streamBody?: Readable;
}

/** The content type of a streamed request body: bytes, whatever they are. */
const streamedBodyType = "application/octet-stream";

function nameOf(target: Route): string {
  return `${target.method} ${target.path}`;
}

function isJson(contentType: string): boolean {
  return /^application\/json\b/i.test(contentType);
}

function describe(cause: unknown): string {
  if (cause instanceof Error && "issues" in cause && Array.isArray(cause.issues)) {
    return (cause.issues as Array<{ path: PropertyKey[]; message: string }>)
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join(".") || "(answer)"}: ${issue.message}`)
      .join("; ");
  }
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A refusal from the component. Its own error body keeps its code; an internal-auth refusal is a deployment problem
 * (tokens differ), not the user's. An error that is not Director's came from something else: a gateway's 502, 503 or
 * 504 says the component is not there (worth retrying, as a refused connection is), anything else is a bad answer.
 */
function toRemoteError(component: string, target: Route, status: number, text: string): DirectorError {
  let parsed: ReturnType<typeof errorBodySchema.safeParse> | undefined;
  try {
    parsed = errorBodySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined; // not JSON: reported below with the raw text
  }
  if (parsed?.success && isErrorCode(parsed.data.error.code)) {
    const { code, message, details } = parsed.data.error;
    if (code === "INTERNAL_AUTH_INVALID") {
      return new DirectorError("COMPONENT_REJECTED", `The ${component} refused our token; check its configuration.`);
    }
    return new DirectorError(code, message, details ? { details } : {});
  }
  const isGateway = status === 502 || status === 503 || status === 504;
  return new DirectorError(
    isGateway ? "COMPONENT_UNREACHABLE" : "COMPONENT_REJECTED",
    `The ${component} answered ${status} to ${nameOf(target)}, not with a Director error: ${text.slice(0, 300)}`,
  );
}
