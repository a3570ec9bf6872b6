/**
 * The error answers every Director server shares, on a real Fastify app as the internal APIs build it (in-process
 * requests): failures Fastify meets while routing get the project's error body too, and a 429 says when to retry.
 */
import { route } from "@director/contracts/route";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildInternalApp } from "./internal-app.js";
import type { InternalToken } from "./internal-auth.js";
import { registerRoute } from "./routes.js";

const token = "error-handler-test-token-0123456789-0123456789" as InternalToken;
const authorization = { authorization: `Bearer ${token}` };

describe("error answers", () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildInternalApp({ component: "test", token, log: pino({ level: "silent" }) });
    const thing = route({
      method: "GET",
      path: "/things/:name",
      caller: "internal",
      params: z.object({ name: z.string() }),
      answerKind: "json",
      summary: "a thing",
    });
    registerRoute(app, thing, async ({ params }) => ({ name: params.name }));
    registerRoute(
      app,
      { method: "GET", path: "/busy", caller: "internal", answerKind: "json", summary: "busy" },
      async () => {
        throw new DirectorError("LIVE_CONNECTION_LIMIT", "Too many.", { details: { retryAfterSeconds: 42 } });
      },
    );
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ["an overlong UTF-8 encoding", "/things/%c0%ae"],
    ["a truncated percent-encoding", "/things/%E0%A4%A"],
    ["a percent sign without digits", "/things/%zz"],
  ])("answers %s in the path with 400 and the error body", async (_what, url) => {
    const answer = await app.inject({ method: "GET", url, headers: authorization });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(answer.json()).toEqual({
      error: { code: "VALIDATION_FAILED", message: expect.stringContaining("not valid") },
    });
  });

  it("answers a path parameter longer than Fastify's limit with 400 and the error body", async () => {
    const answer = await app.inject({ method: "GET", url: `/things/${"x".repeat(500)}`, headers: authorization });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().error.code).toBe("VALIDATION_FAILED");
  });

  it("still routes well-formed encodings", async () => {
    const answer = await app.inject({ method: "GET", url: "/things/caf%C3%A9", headers: authorization });
    expect(answer.json()).toEqual({ name: "café" });
  });

  it("says when to retry a 429 that knows (Retry-After)", async () => {
    const answer = await app.inject({ method: "GET", url: "/busy", headers: authorization });
    expect(answer.statusCode).toBe(429);
    expect(answer.headers["retry-after"]).toBe("42");
  });
});
