/**
 * A bad answer from the orchestrator, through the manager's API on a real PostgreSQL: the manager's OrchestratorClient
 * talks to a real HTTP server standing in for an orchestrator that misbehaves (the real one answers by its route
 * table; apps/orchestrator tests that). The user gets 502 COMPONENT_REJECTED naming the orchestrator and its route,
 * never a 400 that blames them; a refusal in Director's own words still reaches them as it is.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { orchestratorApi } from "@director/contracts/orchestrator-api";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { InternalClient } from "@director/http-kit/internal-client";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp } from "../testing/test-app.js";
import { OrchestratorClient } from "./orchestrator-client.js";

const password = "a password long enough";

describe("an orchestrator's bad answer, as the user sees it", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let orchestrator: Server;
  let token: string;
  /** what the stand-in orchestrator answers next */
  let next: { status: number; type: string; body: string };

  beforeAll(async () => {
    orchestrator = createServer((_request, response) => {
      response.writeHead(next.status, { "content-type": next.type });
      response.end(next.body);
    });
    await new Promise<void>((resolve) => orchestrator.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(orchestrator.address() as AddressInfo).port}`;
    const client = new InternalClient({ component: "orchestrator", baseUrl, token: "t".repeat(40) as InternalToken });
    database = await createServerTestDatabase();
    let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
    ({ app, services } = await buildTestManagerApp(database, { fileStore: new OrchestratorClient(client) }));
    const ann = await services.auth.createUser({ username: "ann", password, isSuperuser: false });
    token = (await services.auth.login("ann", password)).token;
    await services.sites.create(
      { id: ann.id, username: "ann", isSuperuser: false },
      { name: "ann", type: "static", purpose: "personal", description: "" },
    );
    await database.db.updateTable("sites").set({ ready_at: new Date() }).execute();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    orchestrator?.closeAllConnections();
    await new Promise((resolve) => orchestrator?.close(resolve));
  });

  const listing = () =>
    app.inject({ method: "GET", url: "/api/sites/ann/files/public", headers: { authorization: `Bearer ${token}` } });
  const json = (body: unknown, status = 200) => ({ status, type: "application/json", body: JSON.stringify(body) });

  it("answers a listing as the orchestrator sent it when it is one", async () => {
    next = json({ path: "public", entries: [], totalEntries: 0, nextAfter: null });
    const answer = await listing();
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({ path: "public", entries: [], totalEntries: 0, nextAfter: null });
  });

  it.each([
    ["a listing its schema refuses", json({ path: "public", entries: "none" })],
    ["JSON that does not parse", { status: 200, type: "application/json", body: '{"path":' }],
    ["an error body that is not Director's", { status: 404, type: "text/html", body: "<h1>Not Found</h1>" }],
    ["an error with a code Director does not have", json({ error: { code: "NO_SUCH_CODE", message: "?" } }, 400)],
  ])("answers %s with 502 COMPONENT_REJECTED naming the orchestrator and its route", async (_what, answer) => {
    next = answer;
    const refused = await listing();
    expect(refused.statusCode, refused.body).toBe(502);
    expect(refused.json().error).toMatchObject({
      code: "COMPONENT_REJECTED",
      message: expect.stringContaining("orchestrator answered"),
    });
    expect(refused.json().error.message).toContain(`GET ${orchestratorApi.readFile.path}`);
  });

  it("passes a refusal in Director's own words on as it is", async () => {
    next = json({ error: { code: "PATH_NOT_FOUND", message: "There is no public." } }, 404);
    const refused = await listing();
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error).toEqual({ code: "PATH_NOT_FOUND", message: "There is no public." });
  });
});
