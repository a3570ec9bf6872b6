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
    let response: Response;
    try {
      response = await fetch(`${path}${queryString(options.query)}`, {
        method,
        headers,
        credentials: "same-origin",
        ...(body === undefined ? {} : { body }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw networkError(cause);
    }
    const text = await response.text();
    let parsed: unknown = text;
    if (text !== "" && (response.headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text; // an unparsable body is reported as BAD_RESPONSE below (or returned raw on success)
      }
    }
    if (!response.ok) {
      const error = toApiError(response.status, parsed);
      this.#onError(error);
      throw error;
    }
    return (text === "" ? undefined : parsed) as T;
  }
}

export { ApiError };
