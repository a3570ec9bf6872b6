import { route } from "@director/contracts/route";
import { DirectorError } from "@director/domain/errors";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { installErrorHandling } from "./error-handler.js";
import { declaredRoutes, registerRoute, requireDeclaredCallers } from "./routes.js";

const echo = route({
  method: "POST",
  path: "/things/:id",
  caller: "person",
  summary: "echo",
  params: z.object({ id: z.coerce.number().int().positive() }),
  query: z.object({ loud: z.enum(["true", "false"]).default("false") }),
  body: z.object({ text: z.string().max(10) }),
  answer: z.object({ id: z.number(), text: z.string() }),
  answerKind: "json",
  status: 201,
});
const open = route({ method: "GET", path: "/open", caller: "public", summary: "open", answerKind: "empty" });

async function appWith(checks: Parameters<typeof requireDeclaredCallers>[1]) {
  const app = Fastify();
  installErrorHandling(app);
  requireDeclaredCallers(app, checks);
  registerRoute(app, echo, async ({ params, query, body }) => ({
    id: params.id,
    text: query.loud === "true" ? body.text.toUpperCase() : body.text,
  }));
  registerRoute(app, open, async () => undefined);
  await app.ready();
  return app;
}

describe("registerRoute and requireDeclaredCallers", () => {
  it("parses each part with the route's schemas and answers with its status", async () => {
    const app = await appWith({ person: async () => undefined });
    const answer = await app.inject({ method: "POST", url: "/things/7?loud=true", payload: { text: "hi" } });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toEqual({ id: 7, text: "HI" });
    const bad = await app.inject({ method: "POST", url: "/things/0", payload: { text: "far too long" } });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields).sort()).toEqual(["id"]);
    expect((await app.inject({ method: "GET", url: "/open" })).statusCode).toBe(204);
    expect(declaredRoutes(app).map((declared) => `${declared.method} ${declared.url} ${declared.caller}`)).toEqual(
      expect.arrayContaining(["POST /things/:id person", "GET /open public"]),
    );
  });

  it("checks the declared caller before anything is parsed, and refuses callers it has no check for", async () => {
    const refusing = await appWith({
      person: async () => {
        throw new DirectorError("AUTH_REQUIRED", "Log in first.");
      },
    });
    const refused = await refusing.inject({ method: "POST", url: "/things/0", payload: "not json at all" });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe("AUTH_REQUIRED");
    const unchecked = await appWith({});
    expect((await unchecked.inject({ method: "POST", url: "/things/1", payload: { text: "x" } })).statusCode).toBe(403);
  });

  it("takes a bytes route's body as octet-stream bytes, up to the route's own body limit", async () => {
    const upload = route({
      method: "PUT",
      path: "/upload",
      caller: "public",
      summary: "bytes in",
      bodyKind: "bytes",
      answer: z.object({ sizeBytes: z.number() }),
      answerKind: "json",
    });
    const app = Fastify();
    installErrorHandling(app);
    requireDeclaredCallers(app, {});
    registerRoute(app, upload, async ({ body }) => ({ sizeBytes: body.length }), { bodyLimit: 8 });
    await app.ready();
    const put = (payload: string | Buffer | object, type = "application/octet-stream") =>
      app.inject({ method: "PUT", url: "/upload", headers: { "content-type": type }, payload });
    expect((await put(Buffer.from([0, 1, 2, 3]))).json()).toEqual({ sizeBytes: 4 });
    expect((await app.inject({ method: "PUT", url: "/upload" })).json()).toEqual({ sizeBytes: 0 });
    const tooLarge = await put(Buffer.alloc(9));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe("UPLOAD_TOO_LARGE");
    const json = await put({ a: 1 }, "application/json");
    expect(json.statusCode).toBe(400);
    expect(json.json().error).toMatchObject({ code: "VALIDATION_FAILED", message: /octet-stream/ });
  });

  it("refuses to register a route that declares no caller", async () => {
    const app = Fastify();
    requireDeclaredCallers(app, {});
    expect(() => app.get("/forgotten", async () => "public by mistake")).toThrow(/declares no caller/);
  });
});
