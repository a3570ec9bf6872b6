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
    options: { json?: unknown; body?: Buffer | string; rawPath?: string } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
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
}
