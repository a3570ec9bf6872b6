import { type HttpAnswer, httpRequest } from "@director/testing/http-request";

/** A logged-in API user of a running manager. */
export class ApiSession {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<ApiSession> {
    const answer = await httpRequest({
      url: `${baseUrl}/api/auth/login`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (answer.status !== 200) throw new Error(`login as ${username} failed: ${answer.status} ${answer.text}`);
    return new ApiSession(baseUrl, answer.json().token);
  }

  request(
    method: string,
    path: string,
    options: { json?: unknown; body?: Buffer | string; rawPath?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, ...options.headers };
    let body: Buffer | string | undefined = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    return httpRequest({
      url: `${this.baseUrl}${path}`,
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(options.rawPath ? { rawPath: options.rawPath } : {}),
    });
  }

  /** Polls an operation until it ends; returns its final view. */
  // biome-ignore lint/suspicious/noExplicitAny: the caller asserts on the fields it needs
  async waitForOperation(id: number, timeoutMs = 30_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.request("GET", `/api/operations/${id}`);
      if (answer.status !== 200) throw new Error(`GET operation ${id}: ${answer.status} ${answer.text}`);
      const operation = answer.json();
      if (operation.status === "succeeded" || operation.status === "failed") return operation;
      if (Date.now() > deadline) throw new Error(`operation ${id} still ${operation.status}: ${answer.text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Reads an operation's event stream to its end; returns the operations it reported, in order. */
  async streamOperation(id: number): Promise<Array<{ status: string; steps: Array<{ status: string }> }>> {
    const answer = await this.request("GET", `/api/operations/${id}/events`);
    if (answer.status !== 200) throw new Error(`stream of operation ${id}: ${answer.status} ${answer.text}`);
    return answer.text
      .split("\n\n")
      .filter((block) => block.startsWith("event: operation\n"))
      .map((block) => JSON.parse(block.slice(block.indexOf("data: ") + "data: ".length)));
  }

  /**
   * Opens a Server-Sent Events stream and collects its events until `isDone(events)` holds or `timeoutMs` passes;
   * returns what arrived (the caller asserts on it).
   */
  async collectEvents(
    path: string,
    isDone: (events: Array<{ event: string; data: string }>) => boolean,
    options: { timeoutMs?: number; onOpen?: () => void } = {},
  ): Promise<Array<{ event: string; data: string }>> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), options.timeoutMs ?? 60_000);
    const events: Array<{ event: string; data: string }> = [];
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${this.token}` },
        signal: stop.signal,
      });
      if (response.status !== 200 || response.body === null) {
        throw new Error(`events ${path}: ${response.status} ${await response.text()}`);
      }
      options.onOpen?.();
      const decoder = new TextDecoder();
      let pending = "";
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk, { stream: true });
        const blocks = pending.split("\n\n");
        pending = blocks.pop() ?? "";
        for (const block of blocks) {
          const fields = Object.fromEntries(
            block
              .split("\n")
              .filter((line) => !line.startsWith(":"))
              .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
          );
          if (fields.event !== undefined) events.push({ event: fields.event, data: fields.data ?? "" });
        }
        if (isDone(events)) break;
      }
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
      stop.abort();
    }
    return events;
  }
}
