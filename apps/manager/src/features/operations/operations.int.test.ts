/**
 * Who sees an operation, on a real PostgreSQL through the manager's HTTP edge: having started an operation of a site
 * gives nothing once the person is no longer a member of it (GET /api/operations/:id, its event stream, and a stream
 * already open); an operation whose site is gone stays visible to whoever started it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";

describe("operations of a site its starter has left", () => {
  let t: ManagerTestApp;
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startManagerTestApp();
    await t.addUser("admin", { isSuperuser: true });
    await t.addUser("alice");
    await t.addUser("bob");
    for (const username of ["admin", "alice"]) {
      tokens[username] = (await t.services.auth.login(username, "a password long enough")).token;
    }
    base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Ends every queued operation, as a worker would (none runs here), so that the next one may start. */
  const finishOperations = () => t.database.db.updateTable("operations").set({ status: "succeeded" }).execute();

  /** A project site with alice as a member, and an operation alice started on it (left pending: no worker runs). */
  async function siteWithAlicesOperation(name: string): Promise<number> {
    expect((await t.call("admin", "POST", "/api/sites", { name, purpose: "project" })).statusCode).toBe(202);
    expect((await t.call("admin", "POST", `/api/sites/${name}/members`, { username: "alice" })).statusCode).toBe(201);
    await finishOperations();
    const changed = await t.call("alice", "PATCH", `/api/sites/${name}`, { type: "dynamic" });
    expect(changed.statusCode, changed.body).toBe(202);
    return changed.json().operation.id;
  }

  it("hides it from its starter once removed from the site, not from administrators", async () => {
    const id = await siteWithAlicesOperation("club");
    expect((await t.call("alice", "GET", `/api/operations/${id}`)).statusCode).toBe(200);
    expect((await t.call("bob", "GET", `/api/operations/${id}`)).statusCode).toBe(404);

    expect((await t.call("admin", "DELETE", "/api/sites/club/members/alice")).statusCode).toBe(200);
    for (const url of [`/api/operations/${id}`, `/api/operations/${id}/events`]) {
      const answer = await t.call("alice", "GET", url);
      expect(answer.statusCode, url).toBe(404);
      expect(answer.json().error.code).toBe("OPERATION_NOT_FOUND");
    }
    expect((await t.call("admin", "GET", `/api/operations/${id}`)).statusCode).toBe(200);
  });

  it("ends a stream its starter holds open when they are removed, before the next change", async () => {
    const id = await siteWithAlicesOperation("band");
    const response = await fetch(`${base}/api/operations/${id}/events`, {
      headers: { authorization: `Bearer ${tokens.alice}` },
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = decoder.decode((await reader.read()).value);
    expect(received).toContain('"status":"pending"');

    expect((await t.call("admin", "DELETE", "/api/sites/band/members/alice")).statusCode).toBe(200);
    await t.database.db.updateTable("operations").set({ status: "running" }).where("id", "=", id).execute();
    // until the stream ends, or shows the change it should not have
    while (!received.includes('"status":"running"')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += decoder.decode(chunk.value);
    }
    await reader.cancel();
    expect(received).toContain('event: error\ndata: {"code":"OPERATION_NOT_FOUND"}');
    expect(received).not.toContain('"status":"running"');
  });

  it("keeps an operation whose site is gone visible to whoever started it, and to nobody else", async () => {
    const created = await t.call("alice", "POST", "/api/sites", { purpose: "personal" });
    expect(created.statusCode, created.body).toBe(202);
    const { id } = created.json().operation;
    // the worker forgets a deleted site's row; its operations keep theirs, without a site
    await t.services.repositories.sites.delete(created.json().site.id);
    expect((await t.call("alice", "GET", `/api/operations/${id}`)).json()).toMatchObject({ id, siteId: null });
    expect((await t.call("bob", "GET", `/api/operations/${id}`)).statusCode).toBe(404);
  });
});
