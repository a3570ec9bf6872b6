/**
 * A malformed address reaches no route: Fastify refuses it while routing. The manager (on a real PostgreSQL, as
 * production wires it) answers it like any other bad request, with the project's error body.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../testing/test-app.js";

describe("malformed addresses", () => {
  let t: ManagerTestApp;

  beforeAll(async () => {
    t = await startManagerTestApp();
    await t.addUser("sam");
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each([
    [null, "/api/sites/%c0%ae"],
    ["sam", "/api/sites/%c0%ae"],
    ["sam", "/api/sites/sam/members/%E0%A4%A"],
    ["sam", "/api/operations/%"],
    ["sam", `/api/sites/${"x".repeat(300)}`],
  ])("as %s, GET %s: 400 VALIDATION_FAILED in the error body", async (who, url) => {
    const answer = await t.call(who, "GET", url);
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json()).toEqual({ error: { code: "VALIDATION_FAILED", message: expect.any(String) } });
  });
});
