/**
 * InternalClient against a real Node HTTP server on loopback: calls built from route declarations (path, query and
 * body as the route says), answers checked by the route's schema, and what a bad answer becomes. A followed stream
 * that its caller ends leaves no connection open at the server, also when the caller had gone before it opened.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { route } from "@director/contracts/route";
import { parseSiteName } from "@director/domain/site-name";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { InternalToken } from "./internal-auth.js";
import { InternalClient } from "./internal-client.js";

const token = "t".repeat(40) as InternalToken;

/** The server answers each path with what the test put here (status, content type, body). */
const answers = new Map<string, { status: number; type?: string; body: string | Buffer }>();
/** What the server received, per path. */
const received = new Map<string, { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer }>();

const echo = route({
  method: "PUT",
  path: "/things/:name/parts/*",
  caller: "internal",
  params: z.object({ name: z.string(), "*": z.string() }),
  query: z.object({ limit: z.number().optional(), after: z.string().optional() }),
  body: z.object({ text: z.string() }),
  answer: z.object({ name: z.string().transform((value) => parseSiteName(value)), count: z.number() }),
  answerKind: "json",
  summary: "a JSON call",
});
const upload = route({
  method: "PUT",
  path: "/upload",
  caller: "internal",
  bodyKind: "bytes",
  answerKind: "empty",
  summary: "a bytes body",
});
const download = route({
  method: "GET",
  path: "/download",
  caller: "internal",
  answer: z.object({ entries: z.array(z.string()) }),
  answerKind: "bytes",
  summary: "bytes, or JSON",
});
const follow = route({
  method: "GET",
  path: "/follow",
  caller: "internal",
  answer: z.object({ text: z.string() }),
  answerKind: "stream",
  summary: "NDJSON",
});
const streamAt = (path: string) => ({ ...follow, path });

/** A server that answers each path as `answers` says, and streams ticks (NDJSON) on any other path but /silent. */
async function startServer() {
  const streaming = new Set<ServerResponse>();
  const counter = { requests: 0 };
  const server = createServer((request, response) => {
    counter.requests++;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const pathname = new URL(request.url ?? "/", "http://x").pathname;
      received.set(pathname, {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const answer = answers.get(pathname);
      if (answer) {
        response.writeHead(answer.status, answer.type ? { "content-type": answer.type } : {});
        response.end(answer.body);
        return;
      }
      if (pathname === "/silent") return; // never answers
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      response.flushHeaders();
      streaming.add(response);
      const ticker = setInterval(() => response.write('{"text":"tick"}\n'), 50);
      response.once("close", () => {
        clearInterval(ticker);
        streaming.delete(response);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new InternalClient({
    component: "test server",
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    timeoutMs: 500,
  });
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { server, client, streaming, counter, close };
}

describe("InternalClient", () => {
  let current: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    current = await startServer();
  });

  afterAll(async () => {
    await current?.close();
  });

  const json = (body: unknown, status = 200) => ({ status, type: "application/json", body: JSON.stringify(body) });

  describe("request", () => {
    it("sends the route's method, path, query, token and JSON body, and answers the parsed answer", async () => {
      answers.set("/things/a%20b/parts/x/y%3F", json({ name: "blog", count: 2 }));
      const answer = await current.client.request(echo, {
        params: { name: "a b", "*": "x/y?" },
        query: { limit: 5, after: undefined },
        body: { text: "hi" },
      });
      expect(answer).toEqual({ name: "blog", count: 2 });
      const sent = received.get("/things/a%20b/parts/x/y%3F");
      expect(sent).toMatchObject({ method: "PUT", url: "/things/a%20b/parts/x/y%3F?limit=5" });
      expect(sent?.headers).toMatchObject({ authorization: `Bearer ${token}`, "content-type": "application/json" });
      expect(JSON.parse(sent?.body.toString() ?? "")).toEqual({ text: "hi" });
    });

    it("sends raw bytes to a bytes route, and answers bytes or the route's JSON by content type", async () => {
      answers.set("/upload", { status: 204, body: "" });
      expect(await current.client.request(upload, { body: Buffer.from([0, 255]) })).toBeUndefined();
      expect(received.get("/upload")?.body).toEqual(Buffer.from([0, 255]));
      expect(received.get("/upload")?.headers["content-type"]).toBe("application/octet-stream");

      answers.set("/download", { status: 200, type: "application/octet-stream", body: Buffer.from([1, 2]) });
      expect(await current.client.request(download, {})).toEqual({
        kind: "bytes",
        body: Buffer.from([1, 2]),
        contentType: "application/octet-stream",
      });
      answers.set("/download", json({ entries: ["a"] }));
      expect(await current.client.request(download, {})).toEqual({ kind: "json", value: { entries: ["a"] } });
    });

    it.each([
      ["an answer its schema refuses", json({ name: "blog" }), /count/],
      ["a value its domain parser refuses", json({ name: "Not A Name", count: 1 }), /site name/],
      ["an answer that is not JSON", { status: 200, type: "application/json", body: "<html>" }, /JSON/],
    ])(
      "turns %s into COMPONENT_REJECTED naming the component and the route, never the user's 400",
      async (_what, answer, detail) => {
        answers.set("/things/n/parts/p", answer);
        const call = current.client.request(echo, { params: { name: "n", "*": "p" }, body: { text: "" } });
        await expect(call).rejects.toMatchObject({
          code: "COMPONENT_REJECTED",
          message: expect.stringMatching(/^The test server answered PUT \/things\/:name\/parts\/\* with something/),
        });
        await expect(call).rejects.toMatchObject({ message: expect.stringMatching(detail) });
      },
    );

    it("keeps a Director error's code, and blames the component for a refused token or an error that is not Director's", async () => {
      const call = () => current.client.request(upload, { body: Buffer.alloc(0) });
      answers.set("/upload", json({ error: { code: "PATH_ESCAPES_SITE", message: "no .." } }, 400));
      await expect(call()).rejects.toMatchObject({ code: "PATH_ESCAPES_SITE", message: "no .." });
      answers.set("/upload", json({ error: { code: "INTERNAL_AUTH_INVALID", message: "token" } }, 401));
      await expect(call()).rejects.toMatchObject({ code: "COMPONENT_REJECTED", message: /refused our token/ });
      for (const [status, body] of [
        [400, '{"error":"Bad Request"}'],
        [404, "Not Found"],
        [500, "<h1>oops</h1>"],
        [400, JSON.stringify({ error: { code: "NOT_A_DIRECTOR_CODE", message: "x" } })],
      ] as const) {
        answers.set("/upload", { status, body });
        await expect(call()).rejects.toMatchObject({
          code: "COMPONENT_REJECTED",
          message: expect.stringContaining(
            `The test server answered ${status} to PUT /upload, not with a Director error`,
          ),
        });
      }
      // A gateway in front says the component is not there: worth retrying, as a refused connection is.
      answers.set("/upload", { status: 502, body: "Bad Gateway" });
      await expect(call()).rejects.toMatchObject({ code: "COMPONENT_UNREACHABLE" });
    });

    it("answers COMPONENT_UNREACHABLE when nothing answers in time", async () => {
      const silent = { ...upload, path: "/silent" };
      await expect(current.client.request(silent, { body: Buffer.alloc(0), timeoutMs: 200 })).rejects.toMatchObject({
        code: "COMPONENT_UNREACHABLE",
        message: expect.stringContaining("did not answer PUT /silent"),
      });
    });
  });

  // Its own server: fetch() above leaves connections behind (kept alive, or reopened for an aborted request).
  describe("stream", () => {
    let own: Awaited<ReturnType<typeof startServer>>;
    beforeAll(async () => {
      own = await startServer();
    });
    afterAll(async () => {
      await own?.close();
    });
    const openConnections = () =>
      new Promise<number>((resolve, reject) =>
        own.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
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

    it("yields each line checked by the route, and an abort closes the connection at once without opening another", async () => {
      const stop = new AbortController();
      const lines = await own.client.stream(follow, {}, stop.signal);
      const iterator = lines[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toEqual({ text: "tick" });
      expect(own.streaming.size).toBe(1);
      stop.abort();
      expect(await connectionsGone(1_000)).toBeLessThan(1_000);
      expect(own.streaming.size).toBe(0);
      await expect(iterator.next()).rejects.toThrow();
      // fetch() would open a spare connection here and leave it idle for a minute or more
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await openConnections()).toBe(0);
    });

    it("turns a line its route refuses into COMPONENT_REJECTED", async () => {
      answers.set("/bad-lines", { status: 200, type: "application/x-ndjson", body: '{"text":"ok"}\n{"txt":1}\n' });
      const lines = await own.client.stream(streamAt("/bad-lines"), {}, new AbortController().signal);
      const seen: unknown[] = [];
      await expect(
        (async () => {
          for await (const line of lines) seen.push(line);
        })(),
      ).rejects.toMatchObject({ code: "COMPONENT_REJECTED" });
      expect(seen).toEqual([{ text: "ok" }]);
    });

    it("sends nothing when its caller has already gone", async () => {
      const before = own.counter.requests;
      const gone = new AbortController();
      gone.abort();
      await expect(own.client.stream(follow, {}, gone.signal)).rejects.toMatchObject({ code: "COMPONENT_UNREACHABLE" });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(own.counter.requests).toBe(before);
      expect(await openConnections()).toBe(0);
    });

    it("turns an error answer into its DirectorError, and a start that takes too long into COMPONENT_UNREACHABLE", async () => {
      const never = new AbortController().signal;
      answers.set("/refused", json({ error: { code: "SITE_NOT_READY", message: "no process" } }, 409));
      await expect(own.client.stream(streamAt("/refused"), {}, never)).rejects.toMatchObject({
        code: "SITE_NOT_READY",
        message: "no process",
      });
      const started = Date.now();
      await expect(own.client.stream(streamAt("/silent"), {}, never)).rejects.toMatchObject({
        code: "COMPONENT_UNREACHABLE",
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await connectionsGone(1_000)).toBeLessThan(1_000);
    });
  });
});
