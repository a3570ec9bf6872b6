/**
 * The manager serves exactly its route table (contracts/manager-routes.ts), each route with the caller the table
 * declares, and nothing but the public routes answers a request without a session: walked over every route, so that
 * a new route is covered without being listed here.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { managerApi } from "@director/contracts/manager-routes";
import { routePath } from "@director/contracts/route";
import { declaredRoutes } from "@director/http-kit/routes";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp, testManagerConfig } from "../testing/test-app.js";

const everyRoute = Object.values(managerApi).flatMap((group) => Object.values(group));

describe("the manager's route table", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let distDir: string;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    distDir = await mkdtemp(path.join(tmpdir(), "director-dist-"));
    await writeFile(path.join(distDir, "index.html"), "<!doctype html><div id=root></div>");
    ({ app } = await buildTestManagerApp(database, {
      // With the metrics token and a built web interface, every route of the table is served.
      config: testManagerConfig({ metrics: { token: "m".repeat(32) }, web: { distDir } }),
    }));
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await rm(distDir, { recursive: true, force: true });
  });

  const key = (route: { method: string; path?: string; url?: string }) => `${route.method} ${route.path ?? route.url}`;

  it("serves every route of the table with its declared caller, and no route that is not in it", () => {
    const served = new Map(
      declaredRoutes(app)
        .filter((route) => route.method !== "HEAD") // Fastify's automatic HEAD of each GET
        .map((route) => [key(route), route.caller]),
    );
    const table = new Map(everyRoute.map((route) => [key(route), route.caller]));
    expect(Object.fromEntries(served)).toEqual(Object.fromEntries(table));
  });

  it("answers nothing but the public routes without a session", async () => {
    const refused: string[] = [];
    for (const route of everyRoute) {
      const params = {
        name: "somesite",
        username: "someone",
        domain: "www.example.org",
        id: 1,
        "*": "public/index.html",
        page: "sites",
        year: 2027,
        course: "somecourse",
        file: "site-page.png",
      };
      const answer = await app.inject({ method: route.method, url: routePath(route, params) });
      const isRefused = answer.statusCode === 401;
      if (route.caller === "public") expect(isRefused, key(route)).toBe(false);
      else if (isRefused) refused.push(key(route));
      else expect.fail(`${key(route)} answered ${answer.statusCode} without a session`);
    }
    expect(refused.length).toBe(everyRoute.filter((route) => route.caller !== "public").length);
  });
});
