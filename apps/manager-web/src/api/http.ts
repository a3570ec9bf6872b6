import { ApiError, networkError, toApiError } from "./errors";

/** The header the manager asks of cookie-authenticated requests that change something (its CSRF defence). */
export const csrfHeaderName = "x-director-csrf";

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  /** sent as JSON */
  json?: unknown;
  /** sent as the raw body (file uploads) */
  body?: Blob | ArrayBuffer;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** "bytes": a successful answer's body as an ArrayBuffer (a file's content), not parsed as JSON or text */
  answerAs?: "bytes";
  /** told how many bytes of `body` were sent so far (an upload's progress bar) */
  onUploadProgress?: (sentBytes: number) => void;
}

/** `?a=1&b=x` from the defined values, in the given order; "" when there are none. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** Encodes each segment of a site file path, keeping the slashes between them. */
export function encodePath(path: string): string {
  return path
    .split("/")
    .filter((segment) => segment !== "")
    .map(encodeURIComponent)
    .join("/");
}

/** Something that performs API calls; pages and tests depend on this, not on fetch. */
export interface Http {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

/** An answer as it came off the wire, before it is read as JSON, text or bytes. */
interface RawAnswer {
  status: number;
  contentType: string;
  body: ArrayBuffer;
}

interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: BodyInit | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Calls the manager's API from the browser with the session cookie (httpOnly, so the page never sees the
 * token). Every failure becomes an ApiError; `onLoginRequired` runs when the session has ended.
 */
export class FetchHttp implements Http {
  readonly #onError: (error: ApiError) => void;

  constructor(onError: (error: ApiError) => void = () => {}) {
    this.#onError = onError;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (method !== "GET" && method !== "HEAD") headers[csrfHeaderName] = "1";
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers["content-type"] = "application/octet-stream";
      body = options.body;
    }
    const raw: RawRequest = {
      method,
      url: `${path}${queryString(options.query)}`,
      headers,
      body,
      signal: options.signal,
    };
    let answer: RawAnswer;
    try {
      answer = options.onUploadProgress ? await sendWithProgress(raw, options.onUploadProgress) : await send(raw);
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw networkError(cause);
    }
    const isOk = answer.status >= 200 && answer.status < 300;
    if (isOk && options.answerAs === "bytes") return answer.body as T;
    const text = new TextDecoder().decode(answer.body);
    let parsed: unknown = text;
    if (text !== "" && answer.contentType.includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text; // an unparsable body is reported as BAD_RESPONSE below (or returned raw on success)
      }
    }
    if (!isOk) {
      const error = toApiError(answer.status, parsed);
      this.#onError(error);
      throw error;
    }
    return (text === "" ? undefined : parsed) as T;
  }
}

async function send(request: RawRequest): Promise<RawAnswer> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    credentials: "same-origin",
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    body: await response.arrayBuffer(),
  };
}

/** The same request over XMLHttpRequest: fetch cannot report how much of a body it has sent. */
function sendWithProgress(request: RawRequest, onProgress: (sentBytes: number) => void): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    xhr.withCredentials = true;
    xhr.responseType = "arraybuffer";
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        contentType: xhr.getResponseHeader("content-type") ?? "",
        body: xhr.response instanceof ArrayBuffer ? xhr.response : new ArrayBuffer(0),
      });
    xhr.onerror = () => reject(new Error("the connection failed"));
    xhr.onabort = () => reject(new DOMException("The upload was stopped.", "AbortError"));
    if (request.signal?.aborted) {
      reject(new DOMException("The upload was stopped.", "AbortError"));
      return;
    }
    request.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(request.body === undefined ? null : (request.body as XMLHttpRequestBodyInit));
  });
}

export { ApiError };
