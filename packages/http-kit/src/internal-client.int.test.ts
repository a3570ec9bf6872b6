/**
 * InternalClient.stream against a real Node HTTP server on loopback: a followed stream that its caller ends leaves
 * no connection open at the server, also when the caller had gone before the stream opened.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InternalToken } from "./internal-auth.js";
import { InternalClient } from "./internal-client.js";

const token = "t".repeat(40) as InternalToken;

describe("InternalClient.stream", () => {
  let server: Server;
  let client: InternalClient;
  /** the answers being streamed now */
  const streaming = new Set<ServerResponse>();
  let requestCount = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requestCount++;
      if (request.url?.startsWith("/refused")) {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { code: "SITE_NOT_READY", message: "no process" } }));
        return;
      }
      if (request.url?.startsWith("/silent")) return; // never answers
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      response.flushHeaders();
      streaming.add(response);
      const ticker = setInterval(() => response.write('{"text":"tick"}\n'), 50);
      response.once("close", () => {
        clearInterval(ticker);
        streaming.delete(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    client = new InternalClient({
      component: "test server",
      baseUrl: `http://127.0.0.1:${port}`,
      token,
      timeoutMs: 500,
    });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const openConnections = () =>
    new Promise<number>((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );

  /** Polls until the server holds no connection; resolves with how long that took. */
  async function connectionsGone(timeoutMs: number): Promise<number> {
    const started = Date.now();
    while ((await openConnections()) > 0) {
      if (Date.now() - started > timeoutMs) throw new Error(`${await openConnections()} connections still open`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Date.now() - started;
  }

  it("streams the body, and an abort closes the connection at once without opening another", async () => {
    const stop = new AbortController();
    const body = await client.stream({ method: "GET", path: "/follow" }, stop.signal);
    const iterator = body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toContain('"tick"');
    expect(streaming.size).toBe(1);
    stop.abort();
    expect(await connectionsGone(1_000)).toBeLessThan(1_000);
    expect(streaming.size).toBe(0);
    await expect(iterator.next()).rejects.toThrow();
    // fetch() would open a spare connection here and leave it idle for a minute or more
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await openConnections()).toBe(0);
  });

  it("sends nothing when its caller has already gone", async () => {
    const before = requestCount;
    const gone = new AbortController();
    gone.abort();
    await expect(client.stream({ method: "GET", path: "/follow" }, gone.signal)).rejects.toMatchObject({
      code: "COMPONENT_UNREACHABLE",
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requestCount).toBe(before);
    expect(await openConnections()).toBe(0);
  });

  it("turns an error answer into its DirectorError, and a start that takes too long into COMPONENT_UNREACHABLE", async () => {
    const never = new AbortController().signal;
    await expect(client.stream({ method: "GET", path: "/refused" }, never)).rejects.toMatchObject({
      code: "SITE_NOT_READY",
      message: "no process",
    });
    const started = Date.now();
    await expect(client.stream({ method: "GET", path: "/silent" }, never)).rejects.toMatchObject({
      code: "COMPONENT_UNREACHABLE",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await connectionsGone(1_000)).toBeLessThan(1_000);
  });
});
