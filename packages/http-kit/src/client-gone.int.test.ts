/** signalWhenClientGoes on a real Fastify server and real TCP clients. */
import { connect } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { signalWhenClientGoes } from "./client-gone.js";

describe("signalWhenClientGoes", () => {
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** A server whose route waits `hookMs` in a hook first (authentication), then reports its signal's state. */
  async function serve(hookMs: number) {
    app = Fastify({ forceCloseConnections: true });
    const seen: Array<{ wasGoneAtStart: boolean; gone: Promise<number> }> = [];
    app.addHook("onRequest", async () => {
      await new Promise((resolve) => setTimeout(resolve, hookMs));
    });
    app.get("/follow", async (_request, reply) => {
      const signal = signalWhenClientGoes(reply.raw);
      const wasGoneAtStart = signal.aborted;
      const gone = new Promise<number>((resolve) => {
        const at = Date.now();
        if (signal.aborted) resolve(0);
        else signal.addEventListener("abort", () => resolve(Date.now() - at), { once: true });
      });
      seen.push({ wasGoneAtStart, gone });
      reply.hijack();
      if (!wasGoneAtStart) {
        reply.raw.writeHead(200, { "content-type": "text/plain" });
        reply.raw.flushHeaders();
      }
    });
    const url = new URL(await app.listen({ host: "127.0.0.1", port: 0 }));
    return { port: Number(url.port), seen };
  }

  const request = "GET /follow HTTP/1.1\r\nhost: localhost\r\n\r\n";

  it("is already aborted when the client left while the route was still in its hooks", async () => {
    const { port, seen } = await serve(150);
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(request);
      setTimeout(() => socket.destroy(), 20);
    });
    await expect.poll(() => seen.length, { timeout: 2_000 }).toBe(1);
    expect(seen[0]?.wasGoneAtStart).toBe(true);
  });

  it("stays quiet while the client listens and aborts within milliseconds of it leaving", async () => {
    const { port, seen } = await serve(0);
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    const firstBytes = await new Promise<string>((resolve) => socket.once("data", (chunk) => resolve(String(chunk))));
    expect(firstBytes).toMatch(/^HTTP\/1.1 200/);
    expect(seen[0]?.wasGoneAtStart).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stillThere = await Promise.race([seen[0]?.gone, new Promise((resolve) => setTimeout(resolve, 0, "open"))]);
    expect(stillThere).toBe("open");
    socket.destroy();
    expect(await seen[0]?.gone).toBeLessThan(500);
  });
});
